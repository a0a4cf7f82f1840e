using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using MobileX.Testing;
using NATS.Client.Core;
using NATS.Net;

namespace MobileX.Preprocessor.Tests;

[CollectionDefinition(Name)]
public sealed class PipelineCollection : ICollectionFixture<PipelineFixture>
{
    public const string Name = "preprocessor-pipeline";
}

/// <summary>A real nats-server and s3rver, and the preprocessor app running in-process against them.</summary>
public sealed class PipelineFixture : IAsyncLifetime
{
    private WebApplicationFactory<Program>? _app;
    private NatsConnection? _nats;

    public NatsServerFixture Nats { get; } = new();
    public S3ServerFixture S3 { get; } = new();
    internal Lake Lake { get; private set; } = null!;

    public const int MaxDeliver = 3;

    public async ValueTask InitializeAsync()
    {
        await Task.WhenAll(Nats.InitializeAsync().AsTask(), S3.InitializeAsync().AsTask());
        _nats = Nats.Connect();
        Lake = new Lake(S3.CreateClient(), _nats.CreateJetStreamContext());
        await Lake.EnsureAsync(TestContext.Current.CancellationToken);

        _app = new WebApplicationFactory<Program>().WithWebHostBuilder(web => web
            .UseSetting("ConnectionStrings:nats", Nats.Url)
            .UseSetting("ConnectionStrings:minio", S3.ConnectionString)
            .UseSetting("Preprocessor:MaxDeliver", MaxDeliver.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .UseSetting("Preprocessor:RetryDelay", "00:00:00.100")
            .UseSetting("Preprocessor:MaxRetryDelay", "00:00:00.400"));
        // Resolving the services builds and starts the host, worker included.
        _ = _app.Services;
    }

    /// <summary>An HTTP client for the in-process app (health endpoints).</summary>
    public HttpClient CreateHttpClient() => _app!.CreateClient();

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        if (_nats is not null)
        {
            await _nats.DisposeAsync();
        }

        await Nats.DisposeAsync();
        await S3.DisposeAsync();
    }
}
