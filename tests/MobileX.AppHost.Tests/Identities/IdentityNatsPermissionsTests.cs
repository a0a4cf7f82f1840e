using System.Text;
using MobileX.AppHost.Tests.Models;
using MobileX.Contracts;
using MobileX.Hosting.Nats;
using MobileX.Messaging;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using NATS.Client.KeyValueStore;
using NATS.Net;

namespace MobileX.AppHost.Tests.Identities;

/// <summary>
/// Stations and services against a real nats-server with the file the AppHost renders: each does what its code does
/// with NATS.Net, and the server itself refuses the rest (its permissions violation, not a timeout with any cause).
/// </summary>
[Collection(IdentityNatsCollection.Name)]
public sealed class IdentityNatsPermissionsTests(IdentityNatsServerFixture server)
{
    private static readonly StationId Station01 = IdentityNatsServerFixture.Station01;
    private static readonly StationId Station02 = IdentityNatsServerFixture.Station02;
    private static readonly string Station01User = NatsAuthorizationConfig.StationUser(Station01);

    private async Task EnsureStreamsAsync(CancellationToken ct)
    {
        await using var admin = server.ConnectAdmin();
        await StreamProvisioning.EnsureStreamsAsync(admin.CreateJetStreamContext(), new StreamOptions(), ct);
    }

    [Fact]
    public async Task Station_01_publishes_its_raw_frames_and_health_and_the_server_refuses_everything_else()
    {
        var ct = TestContext.Current.CancellationToken;
        await EnsureStreamsAsync(ct);
        await using var admin = server.ConnectAdmin();
        await using var watch = await admin.SubscribeCoreAsync<string>("mobilex.>", cancellationToken: ct);
        await admin.PingAsync(ct);

        await using var station = server.Connect(Station01User);
        await station.Connection.ConnectAsync();
        var js = station.Connection.CreateJetStreamContext();
        var ack = await js.PublishAsync(Subjects.FramesRaw(Station01), "{}", cancellationToken: ct);
        ack.EnsureStored();
        await station.Connection.PublishAsync(Subjects.StationHealth(Station01), "health", cancellationToken: ct);

        string[] forbidden =
        [
            Subjects.FramesProcessed(Station01),
            Subjects.FramesRejected(Station01),
            Subjects.FramesRaw(Station02),
            Subjects.StationHealth(Station02),
            Subjects.AvatarsCreated,
            Subjects.DeadLetterPreprocessor,
            $"{Subjects.Prefix}.stations.{Station01}.anything",
        ];
        foreach (var subject in forbidden)
        {
            await station.Connection.PublishAsync(subject, "forged", cancellationToken: ct);
            await station.ViolationAsync("Publish", subject, ct);
        }

        // Through JetStream too: a forged processed event is never stored.
        using (var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            attempt.CancelAfter(TimeSpan.FromSeconds(3));
            await Assert.ThrowsAnyAsync<Exception>(async () =>
                (await js.PublishAsync(Subjects.FramesProcessed(Station01), "{}", cancellationToken: attempt.Token)).EnsureStored());
        }

        await station.Connection.PingAsync(ct);
        await admin.PingAsync(ct);
        var seen = new List<string>();
        while (watch.Msgs.TryRead(out var msg))
        {
            seen.Add(msg.Subject);
        }

        Assert.Equal([Subjects.FramesRaw(Station01), Subjects.StationHealth(Station01)], seen);
    }

    [Fact]
    public async Task Station_01_may_read_only_its_own_inbox()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var station = server.Connect(Station01User);
        await station.Connection.ConnectAsync();

        foreach (var subject in new[] { "_INBOX.>", NatsInbox.Subscription(NatsAuthorizationConfig.StationUser(Station02)), NatsInbox.Subscription(ServicePermissions.PreprocessorUser), Subjects.AllFramesRaw })
        {
            await using var sub = await station.Connection.SubscribeCoreAsync<string>(subject, cancellationToken: ct);
            await station.Connection.PingAsync(ct);
            await station.ViolationAsync("Subscription", subject, ct);
        }

        // A client with the default inbox prefix gets no JetStream ack: its replies would go to _INBOX.>, refused.
        await using var careless = server.Connect(Station01User, inboxPrefix: "_INBOX");
        await careless.Connection.ConnectAsync();
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct);
        attempt.CancelAfter(TimeSpan.FromSeconds(3));
        await Assert.ThrowsAnyAsync<Exception>(async () =>
            (await careless.Connection.CreateJetStreamContext().PublishAsync(Subjects.FramesRaw(Station01), "{}", cancellationToken: attempt.Token)).EnsureStored());
    }

    [Fact]
    public async Task The_capture_process_own_user_may_connect_and_do_nothing_else()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var capture = server.Connect(ServicePermissions.CaptureUser);
        await capture.Connection.ConnectAsync();
        await capture.Connection.PingAsync(ct);

        await capture.Connection.PublishAsync(Subjects.FramesRaw(Station01), "forged", cancellationToken: ct);
        await capture.ViolationAsync("Publish", Subjects.FramesRaw(Station01), ct);
        await using var sub = await capture.Connection.SubscribeCoreAsync<string>(NatsInbox.Subscription(ServicePermissions.CaptureUser), cancellationToken: ct);
        await capture.Connection.PingAsync(ct);
        await capture.ViolationAsync("Subscription", NatsInbox.Subscription(ServicePermissions.CaptureUser), ct);
    }

    [Fact]
    public async Task The_preprocessor_owns_frames_keeps_its_consumer_publishes_outcomes_and_nothing_more()
    {
        var ct = TestContext.Current.CancellationToken;
        await using (var admin = server.ConnectAdmin())
        {
            // EVENTS is the API's; the preprocessor only looks it up.
            await StreamProvisioning.EnsureAsync(admin.CreateJetStreamContext(), StreamProvisioning.EventsStream(new StreamOptions()), ct);
        }

        await using var pre = server.Connect(ServicePermissions.PreprocessorUser);
        await pre.Connection.ConnectAsync();
        var js = pre.Connection.CreateJetStreamContext();

        // What PreprocessorWorker does at start-up, then per frame.
        await StreamProvisioning.EnsureAsync(js, StreamProvisioning.FramesStream(new StreamOptions()), ct);
        await js.GetStreamAsync(Streams.Events, cancellationToken: ct);
        var consumer = await js.CreateOrUpdateConsumerAsync(Streams.Frames, new ConsumerConfig(IdentityNatsServerFixture.PreprocessorConsumer)
        {
            DurableName = IdentityNatsServerFixture.PreprocessorConsumer,
            FilterSubject = Subjects.AllFramesRaw,
            AckPolicy = ConsumerConfigAckPolicy.Explicit,
            DeliverPolicy = ConsumerConfigDeliverPolicy.New,
        }, ct);

        await using (var station = server.Connect(Station01User))
        {
            (await station.Connection.CreateJetStreamContext().PublishAsync(Subjects.FramesRaw(Station01), "{\"raw\":1}", cancellationToken: ct)).EnsureStored();
        }

        var message = await consumer.NextAsync<string>(cancellationToken: ct);
        Assert.NotNull(message);
        Assert.Equal("{\"raw\":1}", message.Data);
        (await js.PublishAsync(Subjects.FramesProcessed(Station02), "{}", cancellationToken: ct)).EnsureStored();
        (await js.PublishAsync(Subjects.FramesRejected(Station01), "{}", cancellationToken: ct)).EnsureStored();
        (await js.PublishAsync(Subjects.DeadLetterPreprocessor, "{}", cancellationToken: ct)).EnsureStored();
        await message.AckAsync(cancellationToken: ct);

        // Refused: raw frames (a station's), avatar events (the API's), EVENTS' settings, another consumer, a raw subscription.
        await pre.Connection.PublishAsync(Subjects.FramesRaw(Station01), "forged", cancellationToken: ct);
        await pre.ViolationAsync("Publish", Subjects.FramesRaw(Station01), ct);
        await pre.Connection.PublishAsync(Subjects.AvatarsCreated, "forged", cancellationToken: ct);
        await pre.ViolationAsync("Publish", Subjects.AvatarsCreated, ct);
        await AssertRefusedAsync(() => js.DeleteStreamAsync(Streams.Frames, ct).AsTask());
        await pre.ViolationAsync("Publish", $"$JS.API.STREAM.DELETE.{Streams.Frames}", ct);
        await AssertRefusedAsync(() => js.UpdateStreamAsync(StreamProvisioning.EventsStream(new StreamOptions()), ct).AsTask());
        await pre.ViolationAsync("Publish", $"$JS.API.STREAM.UPDATE.{Streams.Events}", ct);
        await AssertRefusedAsync(() => js.CreateOrUpdateConsumerAsync(Streams.Frames, new ConsumerConfig("intruder") { DurableName = "intruder" }, ct).AsTask());
        await pre.ViolationAsync("Publish", $"$JS.API.CONSUMER.CREATE.{Streams.Frames}.intruder", ct);
        await using var raw = await pre.Connection.SubscribeCoreAsync<string>(Subjects.AllFramesRaw, cancellationToken: ct);
        await pre.Connection.PingAsync(ct);
        await pre.ViolationAsync("Subscription", Subjects.AllFramesRaw, ct);
    }

    [Fact]
    public async Task The_api_owns_events_reads_frames_history_and_subscribes_but_cannot_forge_frames()
    {
        var ct = TestContext.Current.CancellationToken;
        await using (var admin = server.ConnectAdmin())
        {
            // FRAMES is the preprocessor's; the API only reads it.
            var adminJs = admin.CreateJetStreamContext();
            await StreamProvisioning.EnsureAsync(adminJs, StreamProvisioning.FramesStream(new StreamOptions()), ct);
            (await adminJs.PublishAsync(Subjects.FramesProcessed(Station01), "{\"last\":1}", cancellationToken: ct)).EnsureStored();
        }

        await using var api = server.Connect(ServicePermissions.ApiUser);
        await api.Connection.ConnectAsync();
        var js = api.Connection.CreateJetStreamContext();

        // What StationDirectory, AvatarService, the SSE endpoint and LatestCoverage do.
        await StreamProvisioning.EnsureAsync(js, StreamProvisioning.EventsStream(new StreamOptions()), ct);
        var frames = await js.GetStreamAsync(Streams.Frames, new StreamInfoRequest { SubjectsFilter = Subjects.AllFrames }, ct);
        var last = await frames.GetAsync(new StreamMsgGetRequest { LastBySubj = Subjects.FramesProcessed(Station01) }, ct);
        Assert.Equal("{\"last\":1}", Encoding.UTF8.GetString(last.Message.Data.Span));
        (await js.PublishAsync(Subjects.AvatarsCreated, "{}", cancellationToken: ct)).EnsureStored();
        await using var all = await api.Connection.SubscribeCoreAsync<string>(Subjects.AllFrames, cancellationToken: ct);
        await using var one = await api.Connection.SubscribeCoreAsync<string>($"{Subjects.Prefix}.stations.{Station01}.frames.>", cancellationToken: ct);
        await using var health = await api.Connection.SubscribeCoreAsync<string>(Subjects.AllStationHealth, cancellationToken: ct);
        await using var coverage = await api.Connection.SubscribeCoreAsync<string>(Subjects.CoverageTimeline, cancellationToken: ct);
        await api.Connection.PingAsync(ct);
        Assert.Empty(api.Errors);

        // Refused: any frame event, FRAMES' settings, a consumer of FRAMES, another model's events.
        await api.Connection.PublishAsync(Subjects.FramesProcessed(Station01), "forged", cancellationToken: ct);
        await api.ViolationAsync("Publish", Subjects.FramesProcessed(Station01), ct);
        await AssertRefusedAsync(() => js.UpdateStreamAsync(StreamProvisioning.FramesStream(new StreamOptions()), ct).AsTask());
        await api.ViolationAsync("Publish", $"$JS.API.STREAM.UPDATE.{Streams.Frames}", ct);
        await AssertRefusedAsync(() => js.CreateOrUpdateConsumerAsync(Streams.Frames, new ConsumerConfig("api") { DurableName = "api" }, ct).AsTask());
        await api.ViolationAsync("Publish", $"$JS.API.CONSUMER.CREATE.{Streams.Frames}.api", ct);
        await using var models = await api.Connection.SubscribeCoreAsync<string>($"{Subjects.Prefix}.models.>", cancellationToken: ct);
        await api.Connection.PingAsync(ct);
        await api.ViolationAsync("Subscription", $"{Subjects.Prefix}.models.>", ct);
    }

    [Fact]
    public async Task The_api_keeps_its_sign_in_key_ring_in_kv_and_no_other_bucket()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var api = server.Connect(ServicePermissions.ApiUser);
        await api.Connection.ConnectAsync();
        var kv = new NatsKVContext(api.Connection.CreateJetStreamContext());

        // What NatsXmlRepository does: create the bucket, list keys, create the creator mark, put, get, watch.
        var store = await kv.CreateOrUpdateStoreAsync(new NatsKVConfig(KeyValueBuckets.ApiKeyRing) { History = 1 }, ct);
        await store.PutAsync("key-a", "one", cancellationToken: ct);
        try
        {
            await store.CreateAsync("creator", "replica", cancellationToken: ct);
        }
        catch (NatsKVCreateException)
        {
            // Another run of this collection made it already: that is the refusal the repository relies on.
        }

        var keys = new List<string>();
        await foreach (var key in store.GetKeysAsync(cancellationToken: ct))
        {
            keys.Add(key);
        }

        Assert.Contains("key-a", keys);
        Assert.Equal("one", (await store.GetEntryAsync<string>("key-a", cancellationToken: ct)).Value);
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(ct);
        watching.CancelAfter(TimeSpan.FromSeconds(10));
        await foreach (var entry in store.WatchAsync<string>("key-a", cancellationToken: watching.Token))
        {
            Assert.Equal("one", entry.Value);
            break;
        }

        Assert.Empty(api.Errors);

        // Refused: a bucket of another name, such as a model's checkpoints.
        await AssertRefusedAsync(() => kv.CreateOrUpdateStoreAsync(new NatsKVConfig("feeds-coverage"), ct).AsTask());
        // CreateOrUpdate asks to update first; that is the request the server refuses.
        await api.ViolationAsync("Publish", "$JS.API.STREAM.UPDATE.KV_feeds-coverage", ct);
    }

    private static async Task AssertRefusedAsync(Func<Task> call) => await Assert.ThrowsAnyAsync<Exception>(call);
}
