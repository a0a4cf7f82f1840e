using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MobileX.Contracts;
using MobileX.Feeds;
using MobileX.Feeds.Lake;
using MobileX.Messaging;
using MobileX.Testing;
using NATS.Client.Core;
using NATS.Net;

namespace MobileX.Feeds.Tests;

[CollectionDefinition(Name)]
public sealed class FeedsCollection : ICollectionFixture<FeedsFixture>
{
    public const string Name = "feeds";
}

/// <summary>
/// One real nats-server and s3rver for the collection. Each test takes its own stations and model names, so tests
/// share the FRAMES stream without reading each other's frames.
/// </summary>
public sealed class FeedsFixture : IAsyncLifetime
{
    private NatsConnection? _nats;

    public NatsServerFixture Nats { get; } = new();
    public S3ServerFixture S3 { get; } = new();
    public PipelineWriter Pipeline { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        await Task.WhenAll(Nats.InitializeAsync().AsTask(), S3.InitializeAsync().AsTask());
        _nats = Nats.Connect();
        Pipeline = new PipelineWriter(S3.CreateClient(), _nats.CreateJetStreamContext());
        await StreamProvisioning.EnsureStreamsAsync(Pipeline.Js, new StreamOptions(), TestContext.Current.CancellationToken);
    }

    /// <summary>A feed on its own NATS connection, as a model process would have; dispose the connection to "stop the process".</summary>
    internal (FrameFeed Feed, NatsConnection Connection) NewFeed(string model, FrameSelection selection, TimeSpan? writeMargin = null)
    {
        var connection = Nats.Connect();
        var s3 = S3.CreateClient();
        var options = new FeedOptions
        {
            Model = model,
            Stages = [.. selection.Stages.Select(s => s.Token())],
            Stations = [.. selection.Stations.Select(s => s.ToString())],
            From = selection.From,
            To = selection.To,
            WriteMargin = writeMargin ?? TimeSpan.FromMinutes(2),
            CheckpointInterval = TimeSpan.FromMilliseconds(200),
        };
        Assert.True(new FeedOptionsValidator().Validate(null, options).Succeeded);
        var feed = new FrameFeed(connection.CreateJetStreamContext(), new LakeCatalog(s3), new LakeReader(s3), Options.Create(options),
            TimeProvider.System, NullLogger<FrameFeed>.Instance);
        return (feed, connection);
    }

    public async ValueTask DisposeAsync()
    {
        if (_nats is not null)
        {
            await _nats.DisposeAsync();
        }

        await Nats.DisposeAsync();
        await S3.DisposeAsync();
    }
}
