using System.Text.Json;
using Microsoft.Extensions.Hosting;
using MobileX.Contracts;
using NATS.Client.JetStream.Models;

namespace MobileX.Preprocessor.Tests;

/// <summary>
/// Station 01 announces frames whose body disagrees with its subject: another station's bucket, <c>avatars</c>,
/// <c>processed</c>, traversal and absolute keys, another station in the body. Every one ends as a rejection on station
/// 01's subject with the right reason, nothing is written outside <c>processed/station-01/</c>, and no other station's
/// subject gets a message.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class ForgedEventTests(PipelineFixture fixture)
{
    private static readonly StationId Station01 = new(1);
    private static readonly StationId Station02 = new(2);
    private Lake Lake => fixture.Lake;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Ten ways to forge a raw-frame event, each with the reason its rejection must give.</summary>
    private static (string Case, string Reason, Func<FrameCaptured, FrameCaptured> Forge)[] Forgeries =>
    [
        ("another station's bucket", RejectionReasons.StationMismatch, f => f with { Bucket = Buckets.Station(Station02) }),
        ("avatars", RejectionReasons.StationMismatch, f => f with { Bucket = Buckets.Avatars }),
        ("processed", RejectionReasons.StationMismatch, f => f with { Bucket = Buckets.Processed, Key = ObjectKeys.Processed(Station02, f.Key) }),
        ("another station in the body", RejectionReasons.StationMismatch, f => f with { StationId = Station02, Bucket = Buckets.Station(Station02) }),
        ("another station in the body only", RejectionReasons.StationMismatch, f => f with { StationId = Station02 }),
        ("../ traversal", RejectionReasons.BadKey, f => f with { Key = "../station-02/" + f.Key }),
        ("traversal inside the key", RejectionReasons.BadKey, f => f with { Key = f.Key[..14] + "../../../avatars/x.jpg" }),
        ("absolute key", RejectionReasons.BadKey, f => f with { Key = "/" + f.Key }),
        ("another frame's key", RejectionReasons.BadKey, f => f with { Key = ObjectKeys.Frame(f.CapturedAt, FrameId.New(f.CapturedAt)) }),
        ("a key the pattern almost matches", RejectionReasons.BadKey, f => f with { Key = f.Key[..3] + "/" + f.Key[3..7] + f.Key[8..] }),
    ];

    [Fact]
    public async Task A_hundred_forged_events_are_rejected_in_station_01s_place_and_touch_nothing_else()
    {
        var face = TestFrames.FaceJpeg();
        await Lake.S3.EnsureBucketAsync(Buckets.Station(Station01), Ct);
        await Lake.S3.EnsureBucketAsync(Buckets.Station(Station02), Ct);
        await Lake.S3.EnsureBucketAsync(Buckets.Avatars, Ct);
        var processedBefore = (await Lake.ProcessedKeysAsync(string.Empty, Ct)).ToHashSet();
        var station02Before = await CountsAsync(Station02);

        var sent = new List<(FrameCaptured Frame, string Case, string Reason)>();
        var bait = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 100; i++)
        {
            var (name, reason, forge) = Forgeries[i % Forgeries.Length];
            var at = DateTimeOffset.UtcNow;
            var id = FrameId.New(at);
            var honest = new FrameCaptured(id, Station01, i, at, Buckets.Station(Station01), ObjectKeys.Frame(at, id), "image/jpeg", 1280, 720,
                face.Length, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(face)));
            var forged = forge(honest);
            // The named object exists and is a real face: only the check stands between the event and a read of it.
            if (Buckets.TryGetStation(forged.Bucket, out _) || forged.Bucket is Buckets.Avatars or Buckets.Processed)
            {
                if (EventChecks.IsFrameKey(forged.Key) || forged.Bucket == Buckets.Processed)
                {
                    await Lake.S3.PutObjectAsync(forged.Bucket, forged.Key, face, "image/jpeg", cancellationToken: Ct);
                    bait.Add($"{forged.Bucket}/{forged.Key}");
                }
            }

            await Lake.PublishAsync(forged, Ct, subject: Subjects.FramesRaw(Station01));
            sent.Add((forged, name, reason));
        }

        var outcomes = await Lake.WaitForOutcomesAsync(sent.Select(s => s.Frame.FrameId), TimeSpan.FromSeconds(60), Ct);
        var byFrame = outcomes.Where(o => sent.Any(s => s.Frame.FrameId == o.FrameId)).ToList();
        Assert.Equal(100, byFrame.Count);
        foreach (var (frame, name, reason) in sent)
        {
            var outcome = Assert.Single(byFrame, o => o.FrameId == frame.FrameId);
            Assert.Equal(Subjects.FramesRejected(Station01), outcome.Subject);
            var rejected = JsonSerializer.Deserialize(outcome.Data, ContractsJsonContext.Default.FrameRejected)!;
            Assert.True(reason == rejected.Reason, $"{name}: expected {reason}, got {rejected.Reason} ({rejected.Detail})");
            // The outcome names station 01's own place, never what the event claimed.
            var ownKey = ObjectKeys.Frame(frame.CapturedAt, frame.FrameId);
            Assert.Equal((Station01, Buckets.Station(Station01), ownKey), (rejected.StationId, rejected.SourceBucket, rejected.SourceKey));
            Assert.Equal(ObjectKeys.RejectionLabel(Station01, ownKey), rejected.LabelKey);
            Assert.Null(EventChecks.Check(outcome.Subject, rejected));
        }

        // What the preprocessor wrote: new keys of processed, leaving out the bait this test put there itself.
        var written = (await Lake.ProcessedKeysAsync(string.Empty, Ct))
            .Where(k => !processedBefore.Contains(k) && !bait.Contains($"{Buckets.Processed}/{k}")).ToList();
        Assert.Equal(100, written.Count);
        Assert.All(written, k => Assert.StartsWith($"{Buckets.Station(Station01)}/", k, StringComparison.Ordinal));
        Assert.All(written, k => Assert.EndsWith(ObjectKeys.RejectionLabelExtension, k, StringComparison.Ordinal));
        Assert.Equal(station02Before, await CountsAsync(Station02));
    }

    private async Task<(long Raw, long Processed, long Rejected)> CountsAsync(StationId station)
    {
        var stream = await Lake.Js.GetStreamAsync(Streams.Frames, new StreamInfoRequest { SubjectsFilter = Subjects.AllFrames }, Ct);
        var subjects = stream.Info.State.Subjects ?? new Dictionary<string, long>();
        long Count(string subject) => subjects.TryGetValue(subject, out var n) ? n : 0;
        return (Count(Subjects.FramesRaw(station)), Count(Subjects.FramesProcessed(station)), Count(Subjects.FramesRejected(station)));
    }
}
