using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Hosting;
using MobileX.Contracts;
using MobileX.Messaging;
using MobileX.Testing;
using NATS.Client.JetStream;
using NATS.Net;
using OpenCvSharp;

// Usage: dotnet run -c Release --project bench/MobileX.Gateway.Bench -- [seconds per round and path=5] [clients=64] [rounds=5]
var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
var clients = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 64;
var rounds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 5;
const string Path = "/api/stations/01/frames/latest";

await using var nats = new NatsServerFixture();
await using var s3 = new S3ServerFixture();
await nats.InitializeAsync();
await s3.InitializeAsync();
await Seed(nats, s3);

var apiPorts = new[] { FreePort.Next(), FreePort.Next() };
var gatewayPort = FreePort.Next();
var processes = new List<ServerProcess>();
try
{
    for (var i = 0; i < apiPorts.Length; i++)
    {
        processes.Add(await Services.StartAsync("MobileX.Api", apiPorts[i], new()
        {
            ["ConnectionStrings__nats"] = nats.Url,
            ["ConnectionStrings__minio"] = s3.ConnectionString,
            ["Api__InstanceName"] = $"api-{i + 1}",
            ["Api__Auth__ApiKey"] = Load.ApiKey,
        }));
    }

    processes.Add(await Services.StartAsync("MobileX.Gateway", gatewayPort, new()
    {
        ["ReverseProxy__Clusters__api__Destinations__api-1__Address"] = $"http://127.0.0.1:{apiPorts[0]}",
        ["ReverseProxy__Clusters__api__Destinations__api-2__Address"] = $"http://127.0.0.1:{apiPorts[1]}",
    }));

    // Warm-up: JIT tiering in the load generator, the gateway and the replicas takes a few thousand requests.
    var direct = new Uri($"http://127.0.0.1:{apiPorts[0]}{Path}");
    var gateway = new Uri($"http://127.0.0.1:{gatewayPort}{Path}");
    await Load.RunAsync(direct, clients, TimeSpan.FromSeconds(5));
    await Load.RunAsync(gateway, clients, TimeSpan.FromSeconds(5));

    // The machine's speed drifts by tens of percent between runs, so the two paths alternate in short rounds (the
    // order flips each round) and the figure is the median of the rounds' ratios.
    var ratios = new List<double>();
    var baselines = new List<LoadResult>();
    var proxies = new List<LoadResult>();
    var errors = 0L;
    for (var round = 0; round < rounds; round++)
    {
        LoadResult baseline, proxied;
        if (round % 2 == 0)
        {
            baseline = await Load.RunAsync(direct, clients, TimeSpan.FromSeconds(seconds));
            proxied = await Load.RunAsync(gateway, clients, TimeSpan.FromSeconds(seconds));
        }
        else
        {
            proxied = await Load.RunAsync(gateway, clients, TimeSpan.FromSeconds(seconds));
            baseline = await Load.RunAsync(direct, clients, TimeSpan.FromSeconds(seconds));
        }

        baselines.Add(baseline);
        proxies.Add(proxied);
        ratios.Add(proxied.RequestsPerSecond / baseline.RequestsPerSecond);
        errors += baseline.Errors + proxied.Errors;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {round + 1}: direct {baseline}; gateway {proxied}; ratio {ratios[^1]:0.00}"));
    }

    var median = ratios.Order().ElementAt(ratios.Count / 2);
    Console.WriteLine($"GET {Path}, {clients} concurrent clients, {rounds} rounds of {seconds} s per path, same run");
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  direct to api-1 (baseline): median {baselines.Select(b => b.RequestsPerSecond).Order().ElementAt(rounds / 2):0} req/s"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  through gateway (2 replicas): median {proxies.Select(b => b.RequestsPerSecond).Order().ElementAt(rounds / 2):0} req/s"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  ratio gateway/direct requests/s: median {median:0.00} of rounds {string.Join(" ", ratios.Select(r => r.ToString("0.00", CultureInfo.InvariantCulture)))} (target >= 0.70)"));
    return errors == 0 ? 0 : 1;
}
finally
{
    foreach (var process in processes)
    {
        await process.DisposeAsync();
    }
}

static async Task Seed(NatsServerFixture nats, S3ServerFixture s3)
{
    await using var connection = nats.Connect();
    var js = connection.CreateJetStreamContext();
    await StreamProvisioning.EnsureStreamsAsync(js, new StreamOptions());
    using var client = s3.CreateClient();
    var station = new StationId(1);
    // The endpoint serves processed busts: a 512x512 JPEG like the preprocessor writes, not the 790 KB source PNG,
    // so the figure weighs the proxy rather than copying an unrealistically large body twice.
    using var source = Cv2.ImRead(RepositoryPaths.TestImage("astronaut.png"));
    using var bust = source.Resize(new Size(512, 512));
    Cv2.ImEncode(".jpg", bust, out var image, new ImageEncodingParam(ImwriteFlags.JpegQuality, 90));
    var at = DateTimeOffset.UtcNow;
    var id = FrameId.New(at);
    var key = ObjectKeys.Processed(station, ObjectKeys.Frame(at, id));
    await client.EnsureBucketAsync(Buckets.Processed);
    await client.PutObjectAsync(Buckets.Processed, key, image, "image/jpeg");
    var ack = await js.PublishAsync(Subjects.FramesProcessed(station),
        new FrameProcessed(id, station, at, Buckets.Station(station), ObjectKeys.Frame(at, id), Buckets.Processed, key, ObjectKeys.Sidecar(key), 512, 512, image.Length, "bench", at),
        ContractSerializers.For<FrameProcessed>());
    ack.EnsureSuccess();
}

internal readonly record struct LoadResult(long Requests, long Errors, TimeSpan Elapsed, double P50Ms, double P99Ms)
{
    public double RequestsPerSecond => Requests / Elapsed.TotalSeconds;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{RequestsPerSecond:0} req/s, {Requests} ok, {Errors} errors, p50 {P50Ms:0.0} ms, p99 {P99Ms:0.0} ms");
}

internal static class Load
{
    /// <summary>The bench's own read-write key for its replicas.</summary>
    public const string ApiKey = "bench-read-write-key-0123456789";

    /// <summary>Closed loop: each client sends its next request when the previous answer is read whole.</summary>
    public static async Task<LoadResult> RunAsync(Uri url, int clients, TimeSpan duration)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients });
        // Every request carries a key, as real clients do: the measured path includes the API's key check.
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ApiKey);
        var latencies = new List<double>[clients];
        long ok = 0, errors = 0;
        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async c =>
        {
            var mine = latencies[c] = new List<double>(4096);
            while (stopwatch.Elapsed < duration)
            {
                var start = Stopwatch.GetTimestamp();
                using var response = await http.GetAsync(url);
                await response.Content.CopyToAsync(Stream.Null);
                mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                _ = response.IsSuccessStatusCode ? Interlocked.Increment(ref ok) : Interlocked.Increment(ref errors);
            }
        }));
        var elapsed = stopwatch.Elapsed;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new LoadResult(ok, errors, elapsed, Percentile(all, 0.50), Percentile(all, 0.99));
    }

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? 0 : sorted[(int)Math.Min(sorted.Length - 1, p * sorted.Length)];
}

internal static class Services
{
    public static async Task<ServerProcess> StartAsync(string project, int port, Dictionary<string, string> environment)
    {
        var configuration = AppContext.BaseDirectory.Contains($"{System.IO.Path.DirectorySeparatorChar}Release{System.IO.Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var dll = System.IO.Path.Combine(RepositoryPaths.Root, "services", project, "bin", configuration, "net10.0", project + ".dll");
        environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        environment["Logging__LogLevel__Default"] = "Warning";
        var process = await ServerProcess.StartAsync("dotnet", [dll, "--contentRoot", System.IO.Path.Combine(RepositoryPaths.Root, "services", project)], port, environment, TimeSpan.FromSeconds(60));
        using var http = new HttpClient();
        for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline; await Task.Delay(200))
        {
            try
            {
                if ((await http.GetAsync(new Uri($"http://127.0.0.1:{port}/health"))).IsSuccessStatusCode)
                {
                    return process;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
        }

        throw new TimeoutException($"{project} did not become healthy:\n{process.Output}");
    }
}
