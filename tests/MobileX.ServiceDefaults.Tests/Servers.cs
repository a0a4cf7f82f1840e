using MobileX.Testing;

namespace MobileX.ServiceDefaults.Tests;

/// <summary>One real nats-server and one real S3 server for the whole collection.</summary>
public sealed class Servers : IAsyncLifetime
{
    public NatsServerFixture Nats { get; } = new();
    public S3ServerFixture S3 { get; } = new();

    public async ValueTask InitializeAsync()
    {
        await Nats.InitializeAsync();
        await S3.InitializeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Nats.DisposeAsync();
        await S3.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ServersCollection : ICollectionFixture<Servers>
{
    public const string Name = "servers";
}
