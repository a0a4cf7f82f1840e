using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Net;
using Xunit;

namespace MobileX.Testing;

/// <summary>
/// A real nats-server with JetStream on a free loopback port and a temporary store directory. It can be stopped and
/// started again on the same port and store, for outage tests. One per test collection.
/// </summary>
public sealed class NatsServerFixture : IAsyncLifetime
{
    private ServerProcess? _server;

    public int Port { get; } = FreePort.Next();
    public string StoreDirectory { get; } = Directory.CreateTempSubdirectory("mobilex-nats-").FullName;
    public string Url => $"nats://127.0.0.1:{Port}";

    /// <summary>Extra nats-server arguments, e.g. a config file with users; set before start.</summary>
    public IReadOnlyList<string> ExtraArguments { get; init; } = [];

    public static string ServerPath =>
        new[] { "/usr/sbin/nats-server", "/usr/bin/nats-server", "/usr/local/bin/nats-server" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("nats-server is not installed: run ./mobilex.sh setup (apt-get install -y nats-server).");

    public async ValueTask InitializeAsync() => await StartAsync();

    public async Task StartAsync()
    {
        _server = await ServerProcess.StartAsync(ServerPath, ["-a", "127.0.0.1", "-p", Port.ToString(), "-js", "-sd", StoreDirectory, .. ExtraArguments], Port);
    }

    public async Task StopAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
            _server = null;
        }
    }

    /// <summary>A new connection to this server; the caller disposes it.</summary>
    public NatsConnection Connect(Func<NatsOpts, NatsOpts>? configure = null)
    {
        var opts = NatsOpts.Default with { Url = Url, Name = "mobilex-tests" };
        return new NatsConnection(configure?.Invoke(opts) ?? opts);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(StoreDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the OS temp cleaner gets the rest.
        }
    }
}
