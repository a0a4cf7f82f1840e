using MobileX.Contracts;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace MobileX.Messaging;

/// <summary>Creates or updates the MobileX streams; safe to call from every replica at start-up.</summary>
public static class StreamProvisioning
{
    /// <summary>The <c>FRAMES</c> stream definition: every frame subject, file storage, 2-minute duplicate window.</summary>
    public static StreamConfig FramesStream(StreamOptions options) => Limited(
        Streams.Frames, [Subjects.AllFrames], options, "MobileX frame events: where each raw, processed or rejected frame is stored");

    /// <summary>The <c>EVENTS</c> stream: avatar events and dead letters, so nothing given up on is lost.</summary>
    public static StreamConfig EventsStream(StreamOptions options) => Limited(
        Streams.Events, [Subjects.AvatarsCreated, Subjects.Prefix + ".deadletter.>"], options, "MobileX avatar events and dead letters");

    /// <summary>Both streams keep events on file within the configured limits, dropping the oldest first.</summary>
    private static StreamConfig Limited(string name, ICollection<string> subjects, StreamOptions options, string description) => new(name, subjects)
    {
        Storage = StreamConfigStorage.File,
        Retention = StreamConfigRetention.Limits,
        Discard = StreamConfigDiscard.Old,
        MaxAge = options.MaxAge,
        MaxBytes = options.MaxBytes,
        NumReplicas = options.Replicas,
        DuplicateWindow = Streams.DuplicateWindow,
        Description = description,
    };

    /// <summary>Creates both streams, or updates their limits when they exist.</summary>
    public static async Task EnsureStreamsAsync(INatsJSContext js, StreamOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(js);
        ArgumentNullException.ThrowIfNull(options);
        await js.CreateOrUpdateStreamAsync(FramesStream(options), cancellationToken).ConfigureAwait(false);
        await js.CreateOrUpdateStreamAsync(EventsStream(options), cancellationToken).ConfigureAwait(false);
    }
}
