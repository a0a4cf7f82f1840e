using Microsoft.Extensions.Logging;
using MobileX.Contracts;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using Polly;

namespace MobileX.Messaging;

/// <summary>
/// The MobileX streams and who owns them. Each stream has exactly one owner, which creates it and sets its limits
/// (<see cref="EnsureAsync"/>); every other service waits until it exists (<see cref="WaitForStreamAsync"/>), so the
/// limits are the owner's, whichever service starts last. See docs/contracts.md.
/// </summary>
public static partial class StreamProvisioning
{
    /// <summary>Owner of <c>FRAMES</c>: the in-cluster consumer of station frames (stations may sit at the edge).</summary>
    public const string FramesOwner = "preprocessor";

    /// <summary>Owner of <c>EVENTS</c>: the API, which publishes avatar events; the preprocessor's dead letters go there too.</summary>
    public const string EventsOwner = "api";

    /// <summary>The <c>FRAMES</c> stream definition: every frame subject, file storage, 2-minute duplicate window.</summary>
    public static StreamConfig FramesStream(StreamOptions options) => Limited(
        Streams.Frames, [Subjects.AllFrames], options, "MobileX frame events: where each raw, processed or rejected frame is stored");

    /// <summary>The <c>EVENTS</c> stream: avatar events and dead letters, so nothing given up on is lost.</summary>
    public static StreamConfig EventsStream(StreamOptions options) => Limited(
        Streams.Events, [Subjects.AvatarsCreated, Subjects.Prefix + ".deadletter.>"], options, "MobileX avatar events and dead letters");

    /// <summary>The service that owns <paramref name="stream"/>.</summary>
    public static string OwnerOf(string stream) => stream switch
    {
        Streams.Frames => FramesOwner,
        Streams.Events => EventsOwner,
        _ => throw new ArgumentOutOfRangeException(nameof(stream), stream, "Not a MobileX stream."),
    };

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

    /// <summary>
    /// For the owner of the stream only: creates it, or updates its limits when it exists. Safe from every replica
    /// of the owner; retry it with the owner's start-up pipeline.
    /// </summary>
    public static async Task EnsureAsync(INatsJSContext js, StreamConfig config, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(js);
        ArgumentNullException.ThrowIfNull(config);
        await js.CreateOrUpdateStreamAsync(config, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Creates both streams as their owners would. Only for tests and benchmarks that stand in for both owners; a
    /// service calls <see cref="EnsureAsync"/> for the stream it owns.
    /// </summary>
    public static async Task EnsureStreamsAsync(INatsJSContext js, StreamOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        await EnsureAsync(js, FramesStream(options), cancellationToken).ConfigureAwait(false);
        await EnsureAsync(js, EventsStream(options), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// For every service but the owner: looks the stream up through <paramref name="pipeline"/> until it exists.
    /// While it is missing each attempt fails with <see cref="StreamNotFoundException"/>, which the pipeline must
    /// retry (it is a <see cref="NatsJSException"/>) and may log with <see cref="LogIfWaiting"/>.
    /// </summary>
    /// <param name="request">What to include in the stream info, e.g. per-subject counts; null for the plain info.</param>
    public static async Task<INatsJSStream> WaitForStreamAsync(INatsJSContext js, string name, ResiliencePipeline pipeline,
        CancellationToken cancellationToken = default, StreamInfoRequest? request = null)
    {
        ArgumentNullException.ThrowIfNull(js);
        ArgumentNullException.ThrowIfNull(pipeline);
        return await pipeline.ExecuteAsync(static async (state, ct) =>
        {
            try
            {
                return await state.js.GetStreamAsync(state.name, state.request, ct).ConfigureAwait(false);
            }
            catch (NatsJSApiException ex) when (ex.Error.Code == 404)
            {
                throw new StreamNotFoundException(state.name, OwnerOf(state.name), ex);
            }
        }, (js, name, request), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Logs "waiting for stream X owned by Y" when <paramref name="exception"/> says a stream does not exist yet, and
    /// returns whether it did; a retry callback logs anything else with its own event.
    /// </summary>
    public static bool LogIfWaiting(ILogger logger, Exception exception, int attempt, TimeSpan delay)
    {
        if (exception is not StreamNotFoundException missing)
        {
            return false;
        }

        WaitingForStream(logger, missing.Stream, missing.Owner, attempt, delay);
        return true;
    }

    [LoggerMessage(EventId = 9201, Level = LogLevel.Information, Message = "Waiting for stream {Stream} owned by the {Owner} (attempt {Attempt}); looking again in {Delay}")]
    private static partial void WaitingForStream(ILogger logger, string stream, string owner, int attempt, TimeSpan delay);
}

/// <summary>A stream that another service owns does not exist yet; retried until its owner has created it.</summary>
public sealed class StreamNotFoundException(string stream, string owner, Exception inner)
    : NatsJSException($"Stream {stream} does not exist yet; it is created by its owner, the {owner}.", inner)
{
    public string Stream { get; } = stream;

    public string Owner { get; } = owner;
}
