using System.ComponentModel.DataAnnotations;

namespace MobileX.Messaging;

/// <summary>
/// Limits of the JetStream streams, bound from <c>Streams</c>. The stream keeps events, not bytes, so its limits
/// only bound how far back a consumer can replay; the lake keeps the frames.
/// </summary>
public sealed class StreamOptions
{
    public const string SectionName = "Streams";

    /// <summary>How long frame events are kept.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "3650.00:00:00", ErrorMessage = "Streams:MaxAge must be between 1 minute and 10 years.")]
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Most bytes of frame events kept; the oldest go first.</summary>
    [Range(1L << 20, long.MaxValue, ErrorMessage = "Streams:MaxBytes must be at least 1 MiB.")]
    public long MaxBytes { get; set; } = 1L << 30;

    /// <summary>Stream replicas; 1 for a single server, 3 for a 3-node cluster.</summary>
    [Range(1, 5, ErrorMessage = "Streams:Replicas must be 1 to 5.")]
    public int Replicas { get; set; } = 1;
}
