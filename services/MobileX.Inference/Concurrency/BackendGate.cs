using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace MobileX.Inference.Concurrency;

/// <summary>
/// At most <see cref="InferenceOptions.MaxConcurrency"/> jobs on the backend, at most
/// <see cref="InferenceOptions.QueueLimit"/> waiting; a caller beyond that is told when to come back.
/// </summary>
internal sealed class BackendGate : IDisposable
{
    private readonly ConcurrencyLimiter _limiter;
    private readonly int _permits;
    private long _averageTicks;

    public BackendGate(IOptions<InferenceOptions> options)
    {
        var o = options.Value;
        _permits = o.EffectiveMaxConcurrency;
        QueueLimit = o.QueueLimit;
        _limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = _permits,
            QueueLimit = o.QueueLimit,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
        _averageTicks = TimeSpan.FromSeconds(1).Ticks;
    }

    public int Permits => _permits;

    public int QueueLimit { get; }

    public long Queued => _limiter.GetStatistics()?.CurrentQueuedCount ?? 0;

    /// <summary>A lease that is either acquired (run now) or not (queue full: answer 429).</summary>
    public ValueTask<RateLimitLease> EnterAsync(CancellationToken cancellationToken) => _limiter.AcquireAsync(1, cancellationToken);

    /// <summary>Feeds the running average that <see cref="RetryAfter"/> is based on.</summary>
    public void Record(TimeSpan duration)
    {
        // An exponential average: recent jobs matter most, one slow job does not dominate.
        var old = Interlocked.Read(ref _averageTicks);
        Interlocked.Exchange(ref _averageTicks, (old * 4 + duration.Ticks) / 5);
    }

    /// <summary>Time for the queue ahead of a new caller to drain, in whole seconds, at least one.</summary>
    public int RetryAfterSeconds()
    {
        var average = TimeSpan.FromTicks(Interlocked.Read(ref _averageTicks));
        var drain = average * ((Queued + _permits) / (double)_permits);
        return Math.Max(1, (int)Math.Ceiling(drain.TotalSeconds));
    }

    public void Dispose() => _limiter.Dispose();
}
