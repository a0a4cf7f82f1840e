using System.Collections.Concurrent;
using MobileX.Contracts;
using MobileX.Hosting.Models;
using MobileX.Hosting.Nats;
using MobileX.Testing;
using NATS.Client.Core;

namespace MobileX.AppHost.Tests.Models;

/// <summary>
/// A real nats-server started, as the AppHost starts it, with the rendered authorization file and every password in
/// its environment: the admin, station 01, model <c>coverage</c> (consumes processed frames) and model <c>other</c>
/// (consumes raw frames), so a test can show what one model may do and what it may not do to the other.
/// </summary>
public sealed class ModelNatsServerFixture : IAsyncLifetime
{
    private ServerProcess? _server;

    public static readonly ModelName Coverage = ModelName.Coverage;
    public static readonly ModelName Other = ModelName.Parse("other");
    public static readonly StationId Station01 = new(1);

    public int Port { get; } = FreePort.Next();
    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("mobilex-nats-models-").FullName;
    public string AdminPassword { get; } = Guid.NewGuid().ToString("N");
    public string StationPassword { get; } = Guid.NewGuid().ToString("N");

    // Looks like a number, which nats-server would misread without the quoting of the environment value.
    public string CoveragePassword { get; } = "1e9" + Random.Shared.Next(100_000, 999_999);
    public string OtherPassword { get; } = Guid.NewGuid().ToString("N");

    public string ConfigFile => Path.Combine(Directory, "authorization.conf");
    public string Url => $"nats://127.0.0.1:{Port}";

    public async ValueTask InitializeAsync()
    {
        var coverage = ModelPermissions.NatsUser(Coverage, [FrameStage.Processed]);
        var other = ModelPermissions.NatsUser(Other, [FrameStage.Raw]);
        await File.WriteAllTextAsync(ConfigFile, NatsAuthorizationConfig.Render([NatsAuthorizationConfig.Station(Station01), coverage, other]));
        var environment = new Dictionary<string, string>
        {
            [NatsAuthorizationConfig.AdminUserVariable] = NatsAuthorizationConfig.EnvironmentValue("nats"),
            [NatsAuthorizationConfig.AdminPasswordVariable] = NatsAuthorizationConfig.EnvironmentValue(AdminPassword),
            [NatsAuthorizationConfig.StationPasswordVariable(Station01)] = NatsAuthorizationConfig.EnvironmentValue(StationPassword),
            [coverage.PasswordVariable] = NatsAuthorizationConfig.EnvironmentValue(CoveragePassword),
            [other.PasswordVariable] = NatsAuthorizationConfig.EnvironmentValue(OtherPassword),
        };
        _server = await ServerProcess.StartAsync(NatsServerFixture.ServerPath,
            ["-a", "127.0.0.1", "-p", Port.ToString(), "-js", "-sd", Path.Combine(Directory, "store"), "-c", ConfigFile], Port, environment);
    }

    public NatsConnection ConnectAdmin() => new(NatsOpts.Default with
    {
        Url = Url,
        Name = "mobilex-tests admin",
        AuthOpts = NatsAuthOpts.Default with { Username = "nats", Password = AdminPassword },
    });

    /// <summary>The model's connection as the model kit opens it: its own user and its own inbox prefix.</summary>
    public ModelConnection ConnectModel(ModelName model) => new(new NatsConnection(NatsOpts.Default with
    {
        Url = Url,
        Name = $"mobilex-tests {model.NatsUser}",
        AuthOpts = NatsAuthOpts.Default with { Username = model.NatsUser, Password = model == Coverage ? CoveragePassword : OtherPassword },
        InboxPrefix = model.InboxPrefix,
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

/// <summary>A model's connection that keeps every <c>-ERR</c> the server sent it, which is how nats-server says "refused".</summary>
public sealed class ModelConnection : IAsyncDisposable
{
    private readonly ConcurrentQueue<NatsServerErrorEventArgs> _errors = new();

    public ModelConnection(NatsConnection connection)
    {
        Connection = connection;
        connection.ServerError += (_, error) =>
        {
            _errors.Enqueue(error);
            return ValueTask.CompletedTask;
        };
    }

    public NatsConnection Connection { get; }

    public IReadOnlyList<string> Errors => _errors.Select(e => e.Error).ToList();

    /// <summary>Waits for the server's permissions violation naming <paramref name="operation"/> (Publish or Subscription) on <paramref name="subject"/>.</summary>
    public async Task<string> ViolationAsync(string operation, string subject, CancellationToken cancellationToken)
    {
        var expected = $"Permissions Violation for {operation} to \"{subject}";
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(TimeSpan.FromSeconds(5));
        while (!wait.IsCancellationRequested)
        {
            if (_errors.FirstOrDefault(e => e.Error.Contains(expected, StringComparison.OrdinalIgnoreCase)) is { } error)
            {
                Assert.Equal(NatsServerErrorKind.PermissionsViolation, error.Kind);
                return error.Error;
            }

            await Task.Delay(20, CancellationToken.None);
        }

        Assert.Fail($"The server never refused {operation} to {subject}; it said: {string.Join(" | ", Errors)}");
        return string.Empty;
    }

    public ValueTask DisposeAsync() => Connection.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class ModelNatsCollection : ICollectionFixture<ModelNatsServerFixture>
{
    public const string Name = "model nats permissions";
}
