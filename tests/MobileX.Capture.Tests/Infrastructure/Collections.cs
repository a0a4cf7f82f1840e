using MobileX.Testing;

namespace MobileX.Capture.Tests.Infrastructure;

// One pair of real servers per collection, so the end-to-end, outage and bad-input runs never see each other's
// streams or buckets, and the outage test can stop its nats-server without touching the others.

[CollectionDefinition(Name)]
public sealed class EndToEndCollection : ICollectionFixture<NatsServerFixture>, ICollectionFixture<S3ServerFixture>
{
    public const string Name = "capture end to end";
}

[CollectionDefinition(Name)]
public sealed class OutageCollection : ICollectionFixture<NatsServerFixture>, ICollectionFixture<S3ServerFixture>
{
    public const string Name = "capture outage";
}

[CollectionDefinition(Name)]
public sealed class BadInputCollection : ICollectionFixture<NatsServerFixture>, ICollectionFixture<S3ServerFixture>
{
    public const string Name = "capture bad input";
}

[CollectionDefinition(Name)]
public sealed class IsolationCollection : ICollectionFixture<AuthorizedNatsFixture>, ICollectionFixture<S3ServerFixture>
{
    public const string Name = "capture isolation";
}

[CollectionDefinition(Name)]
public sealed class S3CrashCollection : ICollectionFixture<NatsServerFixture>, ICollectionFixture<S3ServerFixture>
{
    public const string Name = "capture s3 crash";
}

// Its own NATS: the crash test reads every event in FRAMES and checks each against its own S3 server.
[CollectionDefinition(Name)]
public sealed class S3RecoveryCollection : ICollectionFixture<NatsServerFixture>
{
    public const string Name = "capture s3 recovery";
}

// Its own NATS, whose streams do not exist until the test creates them.
[CollectionDefinition(Name)]
public sealed class NoStreamsCollection : ICollectionFixture<NatsServerFixture>, ICollectionFixture<S3ServerFixture>
{
    public const string Name = "capture before streams";
}

// Its own S3 server: a sweep deletes from every owned bucket it finds.
[CollectionDefinition(Name)]
public sealed class RetentionCollection : ICollectionFixture<S3ServerFixture>
{
    public const string Name = "capture retention";
}
