using MobileX.Hosting.Nats;
using MobileX.Contracts;
using MobileX.Testing;
using NATS.Client.Core;

namespace MobileX.Capture.Tests.Infrastructure;

/// <summary>
/// A real nats-server started with the AppHost's rendered authorization file and the credentials as environment
/// variables, exactly as the AppHost starts it: admin user plus users station-01 and station-02.
/// </summary>
public sealed class AuthorizedNatsFixture : IAsyncLifetime
{
    private ServerProcess? _server;

    public static readonly StationId Station01 = new(1);
    public static readonly StationId Station02 = new(2);

    public int Port { get; } = FreePort.Next();
    public int MonitorPort { get; } = FreePort.Next();
    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("mobilex-nats-auth-").FullName;
    public string AdminUser => "nats";

    // Passwords that look like numbers are what nats-server would misread without the quoting.
    public string AdminPassword { get; } = "9e5" + Guid.NewGuid().ToString("N");
    public string Station01Password { get; } = "1234" + Random.Shared.Next(100_000, 999_999);
    public string Station02Password { get; } = Guid.NewGuid().ToString("N");

    public string ConfigFile => Path.Combine(Directory, "authorization.conf");
    public string Url => $"nats://127.0.0.1:{Port}";
    public string AdminUrl => $"nats://{AdminUser}:{AdminPassword}@127.0.0.1:{Port}";

    public async ValueTask InitializeAsync()
    {
        await File.WriteAllTextAsync(ConfigFile, NatsAuthorizationConfig.Render([Station01, Station02]));
        var environment = new Dictionary<string, string>
        {
            [NatsAuthorizationConfig.AdminUserVariable] = NatsAuthorizationConfig.EnvironmentValue(AdminUser),
            [NatsAuthorizationConfig.AdminPasswordVariable] = NatsAuthorizationConfig.EnvironmentValue(AdminPassword),
            [NatsAuthorizationConfig.StationPasswordVariable(Station01)] = NatsAuthorizationConfig.EnvironmentValue(Station01Password),
            [NatsAuthorizationConfig.StationPasswordVariable(Station02)] = NatsAuthorizationConfig.EnvironmentValue(Station02Password),
        };
        _server = await ServerProcess.StartAsync(NatsServerFixture.ServerPath,
            ["-a", "127.0.0.1", "-p", Port.ToString(), "-m", MonitorPort.ToString(), "-js", "-sd", Path.Combine(Directory, "store"), "-c", ConfigFile], Port, environment);
    }

    public NatsConnection Connect(string user, string password) => new(NatsOpts.Default with
    {
        Url = Url,
        Name = $"mobilex-tests {user}",
        AuthOpts = NatsAuthOpts.Default with { Username = user, Password = password },
        // As every MobileX client does: each user may read only its own inbox.
        InboxPrefix = NatsInbox.Prefix(user),
    });

    public NatsConnection ConnectAdmin() => Connect(AdminUser, AdminPassword);

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
