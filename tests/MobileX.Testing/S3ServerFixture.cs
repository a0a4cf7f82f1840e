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

    /// <summary>Starts (or restarts) the server on the same port and data directory.</summary>
    /// <param name="environment">Extra environment, e.g. <c>MOBILEX_S3RVER_FULL_SCAN=1</c> to force the damage scan.</param>
    public async Task StartAsync(IDictionary<string, string>? environment = null)
    {
        var script = RepositoryPaths.S3rverScript;
        if (!File.Exists(script) || !Directory.Exists(Path.Combine(Path.GetDirectoryName(script)!, "node_modules", "s3rver")))
        {
            throw new InvalidOperationException($"s3rver is not installed beside {script}: run ./mobilex.sh setup.");
        }

        _server = await ServerProcess.StartAsync("node", [script, "-d", DataDirectory, "-a", "127.0.0.1", "-p", Port.ToString(), "--no-vhost-buckets", "--silent"], Port, environment);
    }

    public async Task StopAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
            _server = null;
        }
    }

    /// <summary>What the server printed (its recovery summary and any quarantined object), while it runs.</summary>
    public string Output => _server?.Output ?? string.Empty;

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
        // The launcher keeps its journal and any quarantined objects beside the data directory, not inside it
        // (every folder inside is served as a bucket).
        foreach (var directory in new[] { DataDirectory, DataDirectory + ".journal", DataDirectory + ".quarantine" })
        {
            try
            {
                if (Directory.Exists(directory))
                {
                    Directory.Delete(directory, recursive: true);
                }
            }
            catch (IOException)
            {
                // Best effort.
            }
        }
    }
}
