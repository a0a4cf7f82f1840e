using System.Diagnostics;
using System.Text;
using Amazon.S3;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using MobileX.Testing;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace MobileX.AppHost.Tests;

/// <summary>
/// The real AppHost in Local mode: nats-server and s3rver as processes, on free ports, state in a temporary folder.
/// Started once for the test class; DCP stops every process it started when the app is disposed.
/// </summary>
public sealed class LocalAppHostFixture : IAsyncLifetime
{
    private readonly string _state = Directory.CreateTempSubdirectory("mobilex-apphost-it-").FullName;
    private DistributedApplication? _app;

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The AppHost has not started.");

    public TimeSpan TimeToHealthy { get; private set; }

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        var appHost = await DistributedApplicationTestingBuilder.CreateAsync<Projects.MobileX_AppHost>(
        [
            "MobileX:Infrastructure=Local",
            $"MobileX:StateDirectory={_state}",
            $"MobileX:Nats:Port={FreePort.Next()}",
            $"MobileX:Nats:MonitorPort={FreePort.Next()}",
            $"MobileX:S3:Port={FreePort.Next()}",
            "MobileX:S3:Server=s3rver",
        ], ct);

        // This test is about the infrastructure; the pipeline services have their own tests.
        foreach (var project in appHost.Resources.OfType<ProjectResource>().ToList())
        {
            appHost.Resources.Remove(project);
        }

        _app = await appHost.BuildAsync(ct);
        var started = Stopwatch.StartNew();
        await _app.StartAsync(ct);
        using var healthy = CancellationTokenSource.CreateLinkedTokenSource(ct);
        healthy.CancelAfter(TimeSpan.FromSeconds(30));
        await Task.WhenAll(
            _app.ResourceNotifications.WaitForResourceHealthyAsync("nats", healthy.Token),
            _app.ResourceNotifications.WaitForResourceHealthyAsync("minio", healthy.Token));
        TimeToHealthy = started.Elapsed;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        Directory.Delete(_state, recursive: true);
    }
}

/// <summary>Uses the Local-mode AppHost through the ServiceDefaults clients, as a service would.</summary>
[Collection(AppHostCollection.Name)]
public sealed class LocalAppHostIntegrationTests(LocalAppHostFixture fixture, ITestOutputHelper output) : IClassFixture<LocalAppHostFixture>
{
    private DistributedApplication _app => fixture.App;

    [Fact]
    public void Nats_and_minio_become_healthy_within_30_seconds()
    {
        // The fixture waited with a 30 s limit; this records how long it took in the test output.
        output.WriteLine($"nats and minio Healthy {fixture.TimeToHealthy.TotalSeconds:0.0} s after start (limit 30 s).");
        Assert.Equal(HealthStatus.Healthy, _app.ResourceNotifications.TryGetCurrentState("nats", out var nats) ? nats.Snapshot.HealthStatus : null);
        Assert.Equal(HealthStatus.Healthy, _app.ResourceNotifications.TryGetCurrentState("minio", out var minio) ? minio.Snapshot.HealthStatus : null);
    }

    private async Task<IHost> ServiceHostAsync(CancellationToken ct)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(
        [
            new("ConnectionStrings:nats", await _app.GetConnectionStringAsync("nats", ct)),
            new("ConnectionStrings:minio", await _app.GetConnectionStringAsync("minio", ct)),
        ]);
        builder.AddNatsClient("nats");
        builder.AddNatsJetStream();
        builder.AddS3Client("minio");
        builder.Services.AddHealthChecks();
        return builder.Build();
    }

    [Fact]
    public async Task Services_publish_and_consume_through_jetstream_and_round_trip_an_object_with_metadata()
    {
        var ct = TestContext.Current.CancellationToken;
        using var host = await ServiceHostAsync(ct);
        var js = host.Services.GetRequiredService<INatsJSContext>();
        var s3 = host.Services.GetRequiredService<IAmazonS3>();

        await js.CreateStreamAsync(new StreamConfig("FOUNDATION", ["foundation.>"]) { Storage = StreamConfigStorage.File }, ct);
        var ack = await js.PublishAsync("foundation.check", "hello", cancellationToken: ct);
        ack.EnsureSuccess();
        var consumer = await js.CreateOrUpdateConsumerAsync("FOUNDATION", new ConsumerConfig("check") { AckPolicy = ConsumerConfigAckPolicy.Explicit }, ct);
        var received = await consumer.NextAsync<string>(cancellationToken: ct);
        Assert.NotNull(received);
        Assert.Equal("hello", received.Data);
        await received.AckAsync(cancellationToken: ct);

        var bytes = Encoding.UTF8.GetBytes(new string('x', 100_000));
        await s3.EnsureBucketAsync("foundation", ct);
        await s3.PutObjectAsync("foundation", "a/b.bin", bytes, "application/octet-stream", [new("station", "01")], ct);
        var read = await s3.GetObjectOrNullAsync("foundation", "a/b.bin", ct);
        Assert.NotNull(read);
        Assert.Equal(bytes, read.Content.ToArray());
        Assert.Equal("01", read.Metadata["station"]);

        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(ct);
        Assert.Equal(HealthStatus.Healthy, report.Status);
    }

    [Fact]
    public async Task The_local_servers_listen_on_loopback_ports_a_developer_can_reach()
    {
        var ct = TestContext.Current.CancellationToken;
        var natsUrl = await _app.GetConnectionStringAsync("nats", ct);
        var uri = new Uri(natsUrl!);

        // Any NATS tool can use the same URL the services get.
        await using var direct = new NatsConnection(NatsOpts.Default with { Url = natsUrl! });
        await direct.ConnectAsync();
        Assert.Equal(NatsConnectionState.Open, direct.ConnectionState);
        Assert.True(direct.ServerInfo!.JetStreamAvailable);
        Assert.Equal("localhost", uri.Host);
    }
}
