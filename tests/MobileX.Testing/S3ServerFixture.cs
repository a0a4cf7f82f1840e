using Amazon.S3;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace MobileX.Testing;

/// <summary>
/// A real S3-compatible server (s3rver, as installed by set-up) on a free loopback port with a temporary data
/// directory. One per test collection; tests use distinct bucket names.
/// </summary>
public sealed class S3ServerFixture : IAsyncLifetime
{
    private ServerProcess? _server;

    public const string AccessKey = "S3RVER";
    public const string SecretKey = "S3RVER";

    public int Port { get; } = FreePort.Next();
    public string DataDirectory { get; } = Directory.CreateTempSubdirectory("mobilex-s3-").FullName;
    public Uri Endpoint => new($"http://127.0.0.1:{Port}");

    /// <summary>The MinIO-format connection string services read from <c>ConnectionStrings:minio</c>.</summary>
    public string ConnectionString => $"Endpoint={Endpoint.ToString().TrimEnd('/')};AccessKey={AccessKey};SecretKey={SecretKey}";

    public async ValueTask InitializeAsync() => await StartAsync();

    public async Task StartAsync()
    {
        var script = RepositoryPaths.S3rverScript;
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"s3rver is not installed at {script}: run ./mobilex.sh setup.");
        }

        _server = await ServerProcess.StartAsync("node", [script, "-d", DataDirectory, "-a", "127.0.0.1", "-p", Port.ToString(), "--no-vhost-buckets", "--silent"], Port);
    }

    public async Task StopAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
            _server = null;
        }
    }

    /// <summary>A client configured the way ServiceDefaults configures services.</summary>
    public IAmazonS3 CreateClient() => S3ClientExtensions.CreateClient(new S3ClientSettings
    {
        Endpoint = Endpoint,
        AccessKey = AccessKey,
        SecretKey = SecretKey,
        MaxErrorRetry = 1,
    });

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
