using System.Net.Http.Json;
using System.Text.Json;
using Amazon.S3;
using Microsoft.Extensions.Hosting;
using MobileX.Contracts;
using MobileX.Messaging;
using MobileX.Testing;
using NATS.Client.JetStream;
using NATS.Net;
using Xunit;

namespace MobileX.Api.Tests;

/// <summary>
/// The serving slice as real processes: nats-server, s3rver, the inference double, two API replicas (api-1, api-2)
/// and the gateway in front of them, each on a free loopback port. Station 01 gets a processed frame before the APIs
/// start (found by the start-up lookup), station 02 one after (found live), station 03 only a raw frame.
/// </summary>
public sealed class ServingFixture : IAsyncLifetime
{
    public const int StationCount = 10;

    /// <summary>The read-write and the read-only API key every replica of the fixture is started with.</summary>
    public const string ApiKey = "test-read-write-key-0123456789";
    public const string ReadKey = "test-read-only-key-0123456789";

    private readonly Dictionary<string, ServerProcess> _apis = [];

    public NatsServerFixture Nats { get; } = new();
    public S3ServerFixture S3 { get; } = new();
    public InferenceDouble Inference { get; } = new();
    public IAmazonS3 S3Client { get; private set; } = null!;
    public INatsJSContext JetStream { get; private set; } = null!;
    public Dictionary<string, int> ApiPorts { get; } = new() { ["api-1"] = FreePort.Next(), ["api-2"] = FreePort.Next() };
    public int GatewayPort { get; } = FreePort.Next();
    public ServerProcess? Gateway { get; private set; }
    public Uri GatewayAddress => new($"http://127.0.0.1:{GatewayPort}");

    /// <summary>The processed frames seeded for stations 01 and 02.</summary>
    public Dictionary<string, FrameProcessed> Seeded { get; } = [];

    private NATS.Client.Core.NatsConnection? _nats;

    public async ValueTask InitializeAsync()
    {
        await Task.WhenAll(Nats.InitializeAsync().AsTask(), S3.InitializeAsync().AsTask(), Inference.StartAsync());
        S3Client = S3.CreateClient();
        _nats = Nats.Connect();
        JetStream = _nats.CreateJetStreamContext();
        await StreamProvisioning.EnsureStreamsAsync(JetStream, new StreamOptions());

        Seeded["01"] = await SeedAsync(new StationId(1), DateTimeOffset.UtcNow.AddMinutes(-5));
        await SeedRawAsync(new StationId(3), DateTimeOffset.UtcNow.AddMinutes(-1));

        await Task.WhenAll(ApiPorts.Keys.Select(StartApiAsync));
        Gateway = await StartGatewayAsync(GatewayPort, avatarPermitLimit: 1000);

        Seeded["02"] = await SeedAsync(new StationId(2), DateTimeOffset.UtcNow.AddMinutes(-1));
        using var http = Authorized(new HttpClient());
        foreach (var port in ApiPorts.Values)
        {
            await Poll.UntilAsync(async () =>
            {
                var stations = await http.GetFromJsonAsync<JsonElement>($"http://127.0.0.1:{port}/api/stations");
                return stations.EnumerateArray().Count(s => s.GetProperty("latestProcessedKey").ValueKind == JsonValueKind.String) == 2;
            }, "both seeded stations visible on every replica");
        }
    }

    /// <summary>Starts (or restarts) one API replica on its fixed port and waits for its /health.</summary>
    public async Task StartApiAsync(string name)
    {
        _apis[name] = await StartApiProcessAsync(name, ApiPorts[name], settings: null);
    }

    /// <summary>
    /// An API replica of its own, outside the gateway and with its own settings (e.g. <c>Api__Lake__MaxObjectBytes</c>),
    /// on the fixture's servers: for tests that need a fresh replica or other limits. The caller disposes it.
    /// </summary>
    public async Task<SoloApi> StartSoloApiAsync(string name, IReadOnlyDictionary<string, string> settings)
    {
        var port = FreePort.Next();
        return new SoloApi(await StartApiProcessAsync(name, port, settings), new Uri($"http://127.0.0.1:{port}"));
    }

    private async Task<ServerProcess> StartApiProcessAsync(string name, int port, IReadOnlyDictionary<string, string>? settings)
    {
        var project = Path.Combine(RepositoryPaths.Root, "services", "MobileX.Api");
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ConnectionStrings__nats"] = Nats.Url,
            ["ConnectionStrings__minio"] = S3.ConnectionString,
            ["Api__InstanceName"] = name,
            ["Api__StationCount"] = StationCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Inference__BaseAddress"] = Inference.BaseAddress.ToString(),
            ["Inference__Timeout"] = "00:00:20",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Api__Auth__ApiKey"] = ApiKey,
            ["Api__Auth__ReadApiKey"] = ReadKey,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        var process = await ServerProcess.StartAsync("dotnet", [BuildOutput("MobileX.Api"), "--contentRoot", project], port, environment, TimeSpan.FromSeconds(60));
        try
        {
            await WaitHealthyAsync(new Uri($"http://127.0.0.1:{port}/health"), process);
            return process;
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    public async Task StopApiAsync(string name)
    {
        if (_apis.Remove(name, out var process))
        {
            await process.DisposeAsync();
        }
    }

    /// <summary>A gateway in front of both replicas; tests may start a second one with other limits.</summary>
    public async Task<ServerProcess> StartGatewayAsync(int port, int avatarPermitLimit, IReadOnlyDictionary<string, string>? settings = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Gateway__AvatarPermitLimit"] = avatarPermitLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ReverseProxy__Clusters__api__HealthCheck__Active__Interval"] = "00:00:01",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (name, apiPort) in ApiPorts)
        {
            environment[$"ReverseProxy__Clusters__api__Destinations__{name}__Address"] = $"http://127.0.0.1:{apiPort}";
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        var process = await ServerProcess.StartAsync("dotnet", [BuildOutput("MobileX.Gateway")], port, environment, TimeSpan.FromSeconds(60));
        await WaitHealthyAsync(new Uri($"http://127.0.0.1:{port}/health"), process);
        return process;
    }

    /// <summary>Stores a raw and a processed frame for the station and publishes both events, as ingestion and preprocessing do.</summary>
    public async Task<FrameProcessed> SeedAsync(StationId station, DateTimeOffset capturedAt)
    {
        var captured = await SeedRawAsync(station, capturedAt);
        var image = await File.ReadAllBytesAsync(RepositoryPaths.TestImage("astronaut.png"));
        var key = ObjectKeys.Processed(station, captured.Key);
        await S3Client.EnsureBucketAsync(Buckets.Processed);
        await S3Client.PutObjectAsync(Buckets.Processed, key, image, "image/png");
        var processed = new FrameProcessed(captured.FrameId, station, capturedAt, captured.Bucket, captured.Key, Buckets.Processed, key,
            ObjectKeys.Sidecar(key), 512, 512, image.Length, "test", DateTimeOffset.UtcNow);
        var ack = await JetStream.PublishAsync(Subjects.FramesProcessed(station), processed, ContractSerializers.For<FrameProcessed>());
        ack.EnsureSuccess();
        return processed;
    }

    public async Task<FrameCaptured> SeedRawAsync(StationId station, DateTimeOffset capturedAt)
    {
        var image = await File.ReadAllBytesAsync(RepositoryPaths.TestImage("astronaut.png"));
        var frameId = FrameId.New(capturedAt);
        var key = ObjectKeys.Frame(capturedAt, frameId);
        await S3Client.EnsureBucketAsync(Buckets.Station(station));
        await S3Client.PutObjectAsync(Buckets.Station(station), key, image, "image/png");
        var captured = new FrameCaptured(frameId, station, 1, capturedAt, Buckets.Station(station), key, "image/png", 512, 512, image.Length, "test");
        var ack = await JetStream.PublishAsync(Subjects.FramesRaw(station), captured, ContractSerializers.For<FrameCaptured>(),
            new NatsJSPubOpts { MsgId = frameId.ToString() });
        ack.EnsureSuccess();
        return captured;
    }

    /// <summary>A client for the gateway that does not follow redirects, so a test sees the 303 itself; it sends the read-write key.</summary>
    public HttpClient CreateGatewayClient() => Authorized(CreateAnonymousGatewayClient());

    /// <summary>The same without any credential.</summary>
    public HttpClient CreateAnonymousGatewayClient() => new(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = GatewayAddress };

    /// <summary>Makes <paramref name="http"/> send <paramref name="key"/> (the read-write key by default) as a bearer token.</summary>
    public static HttpClient Authorized(HttpClient http, string key = ApiKey)
    {
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        return http;
    }

    private static string BuildOutput(string project)
    {
        // The test project references the services, so they are built in the same configuration as the tests.
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var dll = Path.Combine(RepositoryPaths.Root, "services", project, "bin", configuration, "net10.0", project + ".dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"{dll} is missing; build tests/MobileX.Api.Tests first.", dll);
    }

    private static async Task WaitHealthyAsync(Uri health, ServerProcess process)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        await Poll.UntilAsync(async () =>
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{health} exited:\n{process.Output}");
            }

            try
            {
                return (await http.GetAsync(health)).IsSuccessStatusCode;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                return false;
            }
        }, $"{health} healthy", TimeSpan.FromSeconds(30), () => process.Output);
    }

    public async ValueTask DisposeAsync()
    {
        if (Gateway is not null)
        {
            await Gateway.DisposeAsync();
        }

        foreach (var name in _apis.Keys.ToList())
        {
            await StopApiAsync(name);
        }

        if (_nats is not null)
        {
            await _nats.DisposeAsync();
        }

        S3Client?.Dispose();
        await Inference.DisposeAsync();
        await Nats.DisposeAsync();
        await S3.DisposeAsync();
    }
}

/// <summary>An API replica started by one test, reached directly rather than through the gateway.</summary>
public sealed class SoloApi(ServerProcess process, Uri address) : IAsyncDisposable
{
    public Uri Address { get; } = address;

    public ServerProcess Process { get; } = process;

    public HttpClient CreateClient() => ServingFixture.Authorized(new(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = Address });

    public ValueTask DisposeAsync() => Process.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class ServingCollection : ICollectionFixture<ServingFixture>
{
    public const string Name = "serving";
}

/// <summary>Waits for a condition with a deadline, for state that other processes reach asynchronously.</summary>
internal static class Poll
{
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null, Func<string>? diagnostics = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            if (await condition())
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for: {what}\n{diagnostics?.Invoke()}");
            }

            await Task.Delay(100);
        }
    }
}
