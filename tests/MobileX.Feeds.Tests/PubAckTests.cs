using MobileX.Contracts;
using MobileX.Messaging;
using NATS.Client.JetStream;

namespace MobileX.Feeds.Tests;

[Collection(FeedsCollection.Name)]
public sealed class PubAckTests(FeedsFixture fixture)
{
    [Fact]
    public async Task ARepublishWithTheSameMessageIdIsStoredOnceAndIsNoError()
    {
        var ct = TestContext.Current.CancellationToken;
        var subject = Subjects.FramesRaw(new StationId(81));
        var opts = new NatsJSPubOpts { MsgId = "pubacks-" + Guid.NewGuid().ToString("N") };
        var first = await fixture.Pipeline.Js.PublishAsync(subject, "{}"u8.ToArray(), opts: opts, cancellationToken: ct);
        var second = await fixture.Pipeline.Js.PublishAsync(subject, "{}"u8.ToArray(), opts: opts, cancellationToken: ct);

        first.EnsureStored();
        second.EnsureStored();
        Assert.True(second.Duplicate);
        Assert.Equal(first.Seq, second.Seq);
        // NATS.Net's own check calls this a failure; MobileX's publishers must not retry it.
        Assert.Throws<NatsJSDuplicateMessageException>(second.EnsureSuccess);
    }
}
