using Amazon.S3;
using MobileX.Contracts;
using MobileX.Testing;

namespace MobileX.Cli.Tests.Infrastructure;

[CollectionDefinition(Name)]
public sealed class LakeCollection : ICollectionFixture<LakeFixture>
{
    public const string Name = "cli-lake";
}

/// <summary>
/// A real S3 server holding two stations' frames from 2026-11-30 22:00 to 2026-12-01 02:00 UTC, every 4 minutes
/// (so hour and day partitions are crossed), every fifth one rejected, the rest processed.
/// </summary>
public sealed class LakeFixture : IAsyncLifetime
{
    public static readonly StationId Station03 = new(3);
    public static readonly StationId Station04 = new(4);
    public static readonly DateTimeOffset Start = new(2026, 11, 30, 22, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset End = new(2026, 12, 1, 2, 0, 0, TimeSpan.Zero);

    public S3ServerFixture S3 { get; } = new();

    internal IAmazonS3 Client { get; private set; } = null!;

    internal LakeSeeder Seeder { get; private set; } = null!;

    internal IReadOnlyList<SeededFrame> Frames { get; private set; } = [];

    /// <summary>The environment a CLI run against this lake gets.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string> { ["ConnectionStrings__minio"] = S3.ConnectionString };

    public async ValueTask InitializeAsync()
    {
        await S3.InitializeAsync();
        Client = S3.CreateClient();
        Seeder = new LakeSeeder(Client);
        var ct = TestContext.Current.CancellationToken;
        var count = (int)((End - Start) / TimeSpan.FromMinutes(4));
        var frames = new List<SeededFrame>();
        frames.AddRange(await Seeder.SeedAsync(Station03, Start, TimeSpan.FromMinutes(4), count, rejectEvery: 5, seed: 3, ct));
        frames.AddRange(await Seeder.SeedAsync(Station04, Start.AddMinutes(1), TimeSpan.FromMinutes(4), count, rejectEvery: 5, seed: 4, ct));
        Frames = frames;
    }

    /// <summary>The seeded frames of a stage in <c>[from, to)</c>, in export order: station, then frame id.</summary>
    internal IReadOnlyList<SeededFrame> Expected(FrameStage stage, DateTimeOffset from, DateTimeOffset to, params StationId[] stations) =>
        [.. Frames.Where(f => stations.Contains(f.Station) && f.CapturedAt >= from && f.CapturedAt < to)
            .Where(f => stage switch { FrameStage.Processed => f.Processed, FrameStage.Rejected => f.Rejected, _ => true })
            .OrderBy(f => f.Station).ThenBy(f => f.CapturedAt.UtcDateTime.Date).ThenBy(f => f.CapturedAt.UtcDateTime.Hour).ThenBy(f => f.FrameId)];

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        await S3.DisposeAsync();
    }
}
