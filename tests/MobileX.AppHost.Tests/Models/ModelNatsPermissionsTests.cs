using System.Text;
using MobileX.Contracts;
using MobileX.Messaging;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using NATS.Client.KeyValueStore;
using NATS.Net;

namespace MobileX.AppHost.Tests.Models;

/// <summary>
/// A model's NATS user against a real nats-server with the file the AppHost renders: enough for what the model kit
/// does with NATS.Net (its durable consumer, fetch and ack, its checkpoint bucket, its own events), and nothing more.
/// Every refusal is the server's own permissions violation, not a timeout that could have any cause.
/// </summary>
[Collection(ModelNatsCollection.Name)]
public sealed class ModelNatsPermissionsTests(ModelNatsServerFixture server)
{
    private static readonly ModelName Coverage = ModelNatsServerFixture.Coverage;
    private static readonly ModelName Other = ModelNatsServerFixture.Other;
    private static readonly StationId Station01 = ModelNatsServerFixture.Station01;

    [Fact]
    public async Task The_model_consumes_its_stage_through_its_durable_consumer_and_keeps_its_checkpoint()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var admin = server.ConnectAdmin();
        var adminJs = admin.CreateJetStreamContext();
        await StreamProvisioning.EnsureAsync(adminJs, StreamProvisioning.FramesStream(new StreamOptions()), ct);
        var published = await adminJs.PublishAsync(Subjects.FramesProcessed(Station01), Encoding.UTF8.GetBytes("{\"frame\":1}"), cancellationToken: ct);
        published.EnsureSuccess();

        await using var model = server.ConnectModel(Coverage);
        await model.Connection.ConnectAsync();
        var js = model.Connection.CreateJetStreamContext();

        // What a model kit does first: wait for the stream, then create or update its own durable consumer.
        await js.GetStreamAsync(Streams.Frames, cancellationToken: ct);
        var name = Coverage.StageConsumer(FrameStage.Processed);
        var consumer = await js.CreateOrUpdateConsumerAsync(Streams.Frames, new ConsumerConfig(name)
        {
            DurableName = name,
            FilterSubject = Subjects.AllStations(FrameStage.Processed),
            AckPolicy = ConsumerConfigAckPolicy.Explicit,
            // From this test's frame: other tests of the collection publish on the same stream.
            DeliverPolicy = ConsumerConfigDeliverPolicy.ByStartSequence,
            OptStartSeq = published.Seq,
        }, ct);

        var message = await consumer.NextAsync<byte[]>(cancellationToken: ct);
        Assert.NotNull(message);
        Assert.Equal(Subjects.FramesProcessed(Station01), message.Subject);
        Assert.Equal("{\"frame\":1}", Encoding.UTF8.GetString(message.Data!));
        await message.AckAsync(cancellationToken: ct);

        // The ack reached the server: the consumer's ack floor moves past the message (read back as the model).
        var acknowledged = await js.GetConsumerAsync(Streams.Frames, name, ct);
        for (var i = 0; i < 100 && acknowledged.Info.AckFloor.StreamSeq < published.Seq; i++)
        {
            await Task.Delay(20, ct);
            await acknowledged.RefreshAsync(ct);
        }

        Assert.Equal(published.Seq, acknowledged.Info.AckFloor.StreamSeq);

        // Its checkpoint: create the bucket, update it, read it back.
        var kv = js.CreateKeyValueStoreContext();
        var store = await kv.CreateStoreAsync(new NatsKVConfig(Coverage.CheckpointBucket), ct);
        await kv.CreateOrUpdateStoreAsync(new NatsKVConfig(Coverage.CheckpointBucket) { History = 1 }, ct);
        await store.PutAsync("checkpoint", $"{published.Seq}", cancellationToken: ct);
        var reopened = await kv.GetStoreAsync(Coverage.CheckpointBucket, ct);
        var entry = await reopened.GetEntryAsync<string>("checkpoint", cancellationToken: ct);
        Assert.Equal($"{published.Seq}", entry.Value);

        // Its own events, seen by anyone subscribed.
        await using var watch = await admin.SubscribeCoreAsync<string>(Subjects.ModelPublishScope(Coverage), cancellationToken: ct);
        await admin.PingAsync(ct);
        await model.Connection.PublishAsync($"{Subjects.ModelPrefix(Coverage)}.timeline", "snapshot", cancellationToken: ct);
        using var receive = CancellationTokenSource.CreateLinkedTokenSource(ct);
        receive.CancelAfter(TimeSpan.FromSeconds(5));
        Assert.Equal("snapshot", (await watch.Msgs.ReadAsync(receive.Token)).Data);

        // A frame event it cannot read goes to its own dead-letter subject, kept by EVENTS.
        await StreamProvisioning.EnsureAsync(adminJs, StreamProvisioning.EventsStream(new StreamOptions()), ct);
        (await js.PublishAsync(Subjects.DeadLetterModel(Coverage), "unreadable", cancellationToken: ct)).EnsureSuccess();

        // A fresh start removes its consumer, to create it again at a new hand-over.
        await js.DeleteConsumerAsync(Streams.Frames, name, ct);

        await model.Connection.PingAsync(ct);
        Assert.Empty(model.Errors);
    }

    [Fact]
    public async Task The_model_cannot_publish_frames_or_as_another_model()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var admin = server.ConnectAdmin();
        await using var watch = await admin.SubscribeCoreAsync<string>("mobilex.>", cancellationToken: ct);
        await admin.PingAsync(ct);

        await using var model = server.ConnectModel(Coverage);
        await model.Connection.ConnectAsync();
        var forgedFrame = Subjects.FramesProcessed(Station01);
        var forgedEvent = $"{Subjects.ModelPrefix(Other)}.timeline";
        var forgedLetter = Subjects.DeadLetterModel(Other);
        await model.Connection.PublishAsync(forgedFrame, "forged", cancellationToken: ct);
        await model.Connection.PublishAsync(forgedEvent, "forged", cancellationToken: ct);
        await model.Connection.PublishAsync(forgedLetter, "forged", cancellationToken: ct);
        await model.Connection.PublishAsync($"{Subjects.ModelPrefix(Coverage)}.timeline", "own", cancellationToken: ct);

        await model.ViolationAsync("Publish", forgedFrame, ct);
        await model.ViolationAsync("Publish", forgedEvent, ct);
        await model.ViolationAsync("Publish", forgedLetter, ct);

        // The own event was sent last on the same connection: had a forged one passed, it would have come first.
        using var receive = CancellationTokenSource.CreateLinkedTokenSource(ct);
        receive.CancelAfter(TimeSpan.FromSeconds(5));
        Assert.Equal("own", (await watch.Msgs.ReadAsync(receive.Token)).Data);
    }

    /// <param name="other">Whose consumer: another model's, or the model's own name for a stage it does not consume.</param>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_model_cannot_create_a_consumer_under_another_name(bool other)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var admin = server.ConnectAdmin();
        var adminJs = admin.CreateJetStreamContext();
        await StreamProvisioning.EnsureAsync(adminJs, StreamProvisioning.FramesStream(new StreamOptions()), ct);

        await using var model = server.ConnectModel(Coverage);
        await model.Connection.ConnectAsync();
        var js = model.Connection.CreateJetStreamContext();
        var foreign = other ? Other.StageConsumer(FrameStage.Raw) : Coverage.StageConsumer(FrameStage.Raw);

        await Assert.ThrowsAnyAsync<NatsException>(async () => await js.CreateOrUpdateConsumerAsync(Streams.Frames, new ConsumerConfig(foreign)
        {
            DurableName = foreign,
            FilterSubject = Subjects.AllStations(FrameStage.Raw),
            AckPolicy = ConsumerConfigAckPolicy.Explicit,
        }, ct));

        await model.ViolationAsync("Publish", $"$JS.API.CONSUMER.CREATE.{Streams.Frames}.{foreign}", ct);
        var consumers = new List<string>();
        await foreach (var name in adminJs.ListConsumerNamesAsync(Streams.Frames, ct))
        {
            consumers.Add(name);
        }

        Assert.DoesNotContain(foreign, consumers);
    }

    [Fact]
    public async Task The_model_cannot_subscribe_to_a_stage_it_does_not_consume()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var model = server.ConnectModel(Coverage);
        await model.Connection.ConnectAsync();

        // Its own stage is allowed: the same subscription shape, another stage.
        await using var own = await model.Connection.SubscribeCoreAsync<string>(Subjects.AllStations(FrameStage.Processed), cancellationToken: ct);
        await using var raw = await model.Connection.SubscribeCoreAsync<string>(Subjects.AllStations(FrameStage.Raw), cancellationToken: ct);
        await model.Connection.PingAsync(ct);
        await model.ViolationAsync("Subscription", Subjects.AllStations(FrameStage.Raw), ct);
        Assert.DoesNotContain(model.Errors, e => e.Contains(Subjects.AllStations(FrameStage.Processed), StringComparison.Ordinal));

        await using var admin = server.ConnectAdmin();
        await admin.PublishAsync(Subjects.FramesRaw(Station01), "raw", cancellationToken: ct);
        await admin.PublishAsync(Subjects.FramesProcessed(Station01), "processed", cancellationToken: ct);
        await admin.PingAsync(ct);

        using var receive = CancellationTokenSource.CreateLinkedTokenSource(ct);
        receive.CancelAfter(TimeSpan.FromSeconds(5));
        Assert.Equal("processed", (await own.Msgs.ReadAsync(receive.Token)).Data);
        await model.Connection.PingAsync(ct);
        Assert.False(raw.Msgs.TryRead(out var leaked), $"a raw frame reached the model: {leaked.Subject}");
    }

    [Fact]
    public async Task The_model_cannot_read_another_models_checkpoint()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var admin = server.ConnectAdmin();
        var adminKv = admin.CreateJetStreamContext().CreateKeyValueStoreContext();
        var theirs = await adminKv.CreateOrUpdateStoreAsync(new NatsKVConfig(Other.CheckpointBucket), ct);
        await theirs.PutAsync("checkpoint", "7", cancellationToken: ct);

        await using var model = server.ConnectModel(Coverage);
        await model.Connection.ConnectAsync();
        var kv = model.Connection.CreateJetStreamContext().CreateKeyValueStoreContext();

        await Assert.ThrowsAnyAsync<NatsException>(async () => await kv.GetStoreAsync(Other.CheckpointBucket, ct));
        await model.ViolationAsync("Publish", $"$JS.API.STREAM.INFO.KV_{Other.CheckpointBucket}", ct);

        // Reading the key directly, as a KV get does, is refused too.
        var direct = $"$JS.API.DIRECT.GET.KV_{Other.CheckpointBucket}.$KV.{Other.CheckpointBucket}.checkpoint";
        await Assert.ThrowsAnyAsync<NatsException>(async () => await model.Connection.RequestAsync<string, string>(direct, string.Empty, cancellationToken: ct));
        await model.ViolationAsync("Publish", direct, ct);

        // The bucket is there and readable: the refusal is the model's, not the bucket's.
        Assert.Equal("7", (await theirs.GetEntryAsync<string>("checkpoint", cancellationToken: ct)).Value);
    }
}
