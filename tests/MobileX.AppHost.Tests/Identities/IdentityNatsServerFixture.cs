using MobileX.AppHost.Tests.Models;
using MobileX.Contracts;
using MobileX.Hosting.Models;
using MobileX.Hosting.Nats;
using MobileX.Testing;
using NATS.Client.Core;

namespace MobileX.AppHost.Tests.Identities;

/// <summary>
/// A real nats-server started as the AppHost starts it, with the rendered authorization file of the default model's
/// users (stations 01 and 02, capture, preprocessor, api, the coverage model) and every password in its environment.
/// </summary>
public sealed class IdentityNatsServerFixture : IAsyncLifetime
{
    private ServerProcess? _server;
    private readonly Dictionary<string, string> _passwords = new(StringComparer.Ordinal);

    public static readonly StationId Station01 = new(1);
    public static readonly StationId Station02 = new(2);
    public const string PreprocessorConsumer = "preprocessor";

    public int Port { get; } = FreePort.Next();
    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("mobilex-nats-identities-").FullName;
    public string AdminPassword { get; } = Guid.NewGuid().ToString("N");
    public string Url => $"nats://127.0.0.1:{Port}";

    public static IReadOnlyList<NatsUser> Users { get; } =
    [
        NatsAuthorizationConfig.Station(Station01),
        NatsAuthorizationConfig.Station(Station02),
        ServicePermissions.Capture([]),
        ServicePermissions.Preprocessor(PreprocessorConsumer),
        ServicePermissions.Api(),
        ModelPermissions.NatsUser(ModelName.Coverage, [FrameStage.Processed, FrameStage.Rejected]),
    ];

    public async ValueTask InitializeAsync()
    {
        var config = Path.Combine(Directory, "authorization.conf");
        await File.WriteAllTextAsync(config, NatsAuthorizationConfig.Render(Users));
        var environment = new Dictionary<string, string>
        {
            [NatsAuthorizationConfig.AdminUserVariable] = NatsAuthorizationConfig.EnvironmentValue("nats"),
            [NatsAuthorizationConfig.AdminPasswordVariable] = NatsAuthorizationConfig.EnvironmentValue(AdminPassword),
        };
        foreach (var user in Users)
        {
            _passwords[user.Name] = Guid.NewGuid().ToString("N");
            environment[user.PasswordVariable] = NatsAuthorizationConfig.EnvironmentValue(_passwords[user.Name]);
        }

        _server = await ServerProcess.StartAsync(NatsServerFixture.ServerPath,
            ["-a", "127.0.0.1", "-p", Port.ToString(), "-js", "-sd", Path.Combine(Directory, "store"), "-c", config], Port, environment);
    }

    public NatsConnection ConnectAdmin() => new(NatsOpts.Default with
    {
        Url = Url,
        Name = "mobilex-tests admin",
        AuthOpts = NatsAuthOpts.Default with { Username = "nats", Password = AdminPassword },
    });

    /// <summary>
    /// <paramref name="user"/>'s connection as MobileX's clients open it (<c>AddNatsClient</c> derives the same prefix
    /// from the URL's user): its inbox prefix is <c>_INBOX.&lt;user&gt;</c> unless <paramref name="inboxPrefix"/> says otherwise.
    /// </summary>
    public ModelConnection Connect(string user, string? inboxPrefix = null) => new(new NatsConnection(NatsOpts.Default with
    {
        Url = Url,
        Name = $"mobilex-tests {user}",
        AuthOpts = NatsAuthOpts.Default with { Username = user, Password = _passwords[user] },
        InboxPrefix = inboxPrefix ?? NatsInbox.Prefix(user),
        // A refused JetStream request is never answered; fail it soon.
        RequestTimeout = TimeSpan.FromSeconds(2),
    }));

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

[CollectionDefinition(Name)]
public sealed class IdentityNatsCollection : ICollectionFixture<IdentityNatsServerFixture>
{
    public const string Name = "identity nats permissions";
}
