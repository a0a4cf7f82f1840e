using System.Text;
using Amazon.S3;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using MobileX.Testing;
using NATS.Client.Core;

namespace MobileX.ServiceDefaults.Tests;

/// <summary>The clients against real servers: healthy when reachable, unhealthy and named when not.</summary>
[Collection(ServersCollection.Name)]
public class ConnectivityTests(Servers servers)
{
    private static IHost Host(string? nats, string? minio)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(
        [
            new("ConnectionStrings:nats", nats),
            new("ConnectionStrings:minio", minio),
        ]);
        builder.Services.AddHealthChecks();
        if (nats is not null)
        {
            builder.AddNatsClient("nats");
        }

        if (minio is not null)
        {
            builder.AddS3Client("minio", s => s.MaxErrorRetry = 0);
        }

        return builder.Build();
    }

    private static async Task<HealthReportEntry> CheckAsync(IHost host, string name)
    {
        var report = await host.Services.GetRequiredService<HealthCheckService>()
            .CheckHealthAsync(r => r.Name == name, TestContext.Current.CancellationToken);
        return report.Entries[name];
    }

    [Fact]
    public async Task Both_clients_are_healthy_against_real_servers()
    {
        using var host = Host(servers.Nats.Url, servers.S3.ConnectionString);

        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(host, "NATS")).Status);
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(host, "S3")).Status);
    }

    [Fact]
    public async Task Nats_down_is_unhealthy_and_names_the_connection()
    {
        using var host = Host($"nats://127.0.0.1:{FreePort.Next()}", null);

        var entry = await CheckAsync(host, "NATS");

        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Contains("NATS 'nats'", entry.Description);
    }

    [Fact]
    public async Task S3_down_is_unhealthy_and_names_the_connection_and_endpoint()
    {
        var port = FreePort.Next();
        using var host = Host(null, $"Endpoint=http://127.0.0.1:{port};AccessKey=S3RVER;SecretKey=S3RVER");

        var entry = await CheckAsync(host, "S3");

        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Contains("S3 'minio'", entry.Description);
        Assert.Contains($"127.0.0.1:{port}", entry.Description);
    }

    [Fact]
    public async Task Wrong_s3_credentials_are_unhealthy_with_the_stores_reason()
    {
        using var host = Host(null, $"Endpoint={servers.S3.Endpoint};AccessKey=WRONG;SecretKey=S3RVER");

        var entry = await CheckAsync(host, "S3");

        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Contains("refused", entry.Description);
        Assert.Contains("InvalidAccessKeyId", entry.Description);
    }

    [Fact]
    public async Task The_nats_client_retries_until_a_late_server_appears()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var late = new NatsServerFixture();
        using var host = Host(late.Url, null);
        await host.StartAsync(ct);
        var connection = host.Services.GetRequiredService<INatsConnection>();

        Assert.Equal(HealthStatus.Unhealthy, (await CheckAsync(host, "NATS")).Status);

        await late.StartAsync();
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
        wait.CancelAfter(TimeSpan.FromSeconds(20));
        while (connection.ConnectionState != NatsConnectionState.Open)
        {
            await Task.Delay(100, wait.Token);
        }

        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(host, "NATS")).Status);
        await host.StopAsync(ct);
    }

    [Fact]
    public async Task Objects_round_trip_byte_exact_with_metadata()
    {
        var ct = TestContext.Current.CancellationToken;
        using var host = Host(null, servers.S3.ConnectionString);
        var s3 = host.Services.GetRequiredService<IAmazonS3>();
        var bytes = Encoding.ASCII.GetBytes(new string('m', 100_000));

        await s3.EnsureBucketAsync("roundtrip", ct);
        await s3.EnsureBucketAsync("roundtrip", ct);
        await s3.PutObjectAsync("roundtrip", "2026/12/01/10/x.bin", bytes.AsMemory(10, 99_990), "application/octet-stream", [new("sha256", "abc")], ct);
        var read = await s3.GetObjectOrNullAsync("roundtrip", "2026/12/01/10/x.bin", ct);

        Assert.NotNull(read);
        Assert.Equal(99_990, read.Content.Length);
        Assert.Equal("abc", read.Metadata["sha256"]);
        Assert.Null(await s3.GetObjectOrNullAsync("roundtrip", "missing", ct));
    }
}
