using Microsoft.Extensions.Options;

namespace MobileX.Resilience;

/// <summary>
/// The delays of one retry loop: the first delay, doubled per attempt up to <see cref="MaxRetryDelay"/>, with optional
/// jitter and an optional limit on each attempt. Every MobileX retry reads its delays from this one type, bound from
/// the section of the service that uses it (<c>Capture</c>, <c>Preprocessor</c>, <c>Preprocessor:Startup</c>,
/// <c>Api:Startup</c>, <c>Aspire:Minio:Client:Startup</c>); the named options are named after that section. The
/// defaults are those of a start-up retry: 200 ms doubling up to 10 s, no jitter, no attempt timeout.
/// </summary>
public sealed class RetryOptions
{
    /// <summary>Longest exponent used: the delay stops growing long before, at <see cref="MaxRetryDelay"/>.</summary>
    private const int MaxDoublings = 30;

    /// <summary>Delay before the first retry; each further retry doubles it.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>No delay grows past this.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Draw each delay from its upper half (half the exponential delay plus a random share of the other half), so
    /// clients that lost the same server do not retry in lockstep.
    /// </summary>
    public bool RetryJitter { get; set; }

    /// <summary>How long one attempt may take before it is cut off and retried; null for no limit of its own.</summary>
    public TimeSpan? AttemptTimeout { get; set; }

    /// <summary>
    /// The delay after failed attempt <paramref name="attempt"/> (1 for the first): <c>RetryDelay · 2^(attempt-1)</c>,
    /// capped at <see cref="MaxRetryDelay"/>, then jittered when <see cref="RetryJitter"/> is set. The one definition of
    /// backoff: the retry pipelines use it, and so does a consumer that asks JetStream to redeliver later.
    /// </summary>
    public TimeSpan DelayFor(long attempt)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        var exponential = RetryDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, MaxDoublings));
        var capped = Math.Min(exponential, MaxRetryDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(RetryJitter ? (capped / 2) + (Random.Shared.NextDouble() * capped / 2) : capped);
    }
}

/// <summary>Checks every named <see cref="RetryOptions"/>; each message names the setting by its section, e.g. <c>Capture:RetryDelay</c>.</summary>
internal sealed class RetryOptionsValidator : IValidateOptions<RetryOptions>
{
    private static readonly TimeSpan MinDelay = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan MaxFirstDelay = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromHours(1);
    private static readonly TimeSpan MinAttemptTimeout = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxAttemptTimeout = TimeSpan.FromMinutes(5);

    public ValidateOptionsResult Validate(string? name, RetryOptions options)
    {
        var section = string.IsNullOrEmpty(name) ? "Retry" : name;
        var failures = new List<string>();
        if (options.RetryDelay < MinDelay || options.RetryDelay > MaxFirstDelay)
        {
            failures.Add($"{section}:{nameof(RetryOptions.RetryDelay)} must be 10 ms to 10 minutes (is {options.RetryDelay}).");
        }

        if (options.MaxRetryDelay < MinDelay || options.MaxRetryDelay > MaxDelay)
        {
            failures.Add($"{section}:{nameof(RetryOptions.MaxRetryDelay)} must be 10 ms to 1 hour (is {options.MaxRetryDelay}).");
        }
        else if (options.MaxRetryDelay < options.RetryDelay)
        {
            failures.Add($"{section}:{nameof(RetryOptions.MaxRetryDelay)} ({options.MaxRetryDelay}) is shorter than {section}:{nameof(RetryOptions.RetryDelay)} ({options.RetryDelay}).");
        }

        if (options.AttemptTimeout is { } timeout && (timeout < MinAttemptTimeout || timeout > MaxAttemptTimeout))
        {
            failures.Add($"{section}:{nameof(RetryOptions.AttemptTimeout)} must be 100 ms to 5 minutes (is {timeout}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
