using MobileX.Messaging;
using MobileX.Testing;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Net;

namespace MobileX.Cli.Tests.Infrastructure;

[CollectionDefinition(Name)]
public sealed class BusCollection : ICollectionFixture<BusFixture>
{
    public const string Name = "cli-bus";
}

/// <summary>A real nats-server with the FRAMES and EVENTS streams as their owners create them.</summary>
public sealed class BusFixture : IAsyncLifetime
{
    public NatsServerFixture Nats { get; } = new();

    internal NatsConnection Connection { get; private set; } = null!;

    internal INatsJSContext Js { get; private set; } = null!;

    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string> { ["ConnectionStrings__nats"] = Nats.Url };

    public async ValueTask InitializeAsync()
    {
        await Nats.InitializeAsync();
        Connection = Nats.Connect();
        Js = Connection.CreateJetStreamContext();
        await StreamProvisioning.EnsureStreamsAsync(Js, new StreamOptions(), TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await Connection.DisposeAsync();
        await Nats.DisposeAsync();
    }
}
