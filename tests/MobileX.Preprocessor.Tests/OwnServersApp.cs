using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using MobileX.Testing;
using NATS.Client.Core;

namespace MobileX.Preprocessor.Tests;

/// <summary>
/// A test class's own nats-server and s3rver, new for every test, and the preprocessor app running in-process against
/// them with the class's <see cref="Settings"/>. Nothing creates the streams: the test decides when.
/// </summary>
public abstract class OwnServersApp : IAsyncLifetime
{
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected NatsServerFixture Nats { get; } = new();

    protected S3ServerFixture S3 { get; } = new();

    /// <summary>A connection of the test's own, for reading and publishing beside the app.</summary>
    protected NatsConnection Connection { get; private set; } = null!;

    protected WebApplicationFactory<Program> App { get; private set; } = null!;

    /// <summary>Settings of the app besides its connection strings.</summary>
    protected abstract IReadOnlyDictionary<string, string> Settings { get; }

    public async ValueTask InitializeAsync()
    {
        await Task.WhenAll(Nats.InitializeAsync().AsTask(), S3.InitializeAsync().AsTask());
        Connection = Nats.Connect();
        App = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("ConnectionStrings:nats", Nats.Url).UseSetting("ConnectionStrings:minio", S3.ConnectionString);
            foreach (var (key, value) in Settings)
            {
                web.UseSetting(key, value);
            }
        });
        // Resolving the services builds and starts the host, worker included.
        _ = App.Services;
    }

    public async ValueTask DisposeAsync()
    {
        if (App is not null)
        {
            await App.DisposeAsync();
        }

        if (Connection is not null)
        {
            await Connection.DisposeAsync();
        }

        await Nats.DisposeAsync();
        await S3.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
