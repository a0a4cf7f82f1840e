using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace MobileX.Resilience;

/// <summary>One failed attempt about to be retried: which (1 for the first), after what delay, and why.</summary>
/// <param name="Context">The Polly context of the call, carrying whatever properties the caller set on it.</param>
public readonly record struct RetryAttempt(int Attempt, TimeSpan Delay, Exception Exception, ResilienceContext Context)
{
    /// <summary>True when the attempt was cut off by <see cref="RetryOptions.AttemptTimeout"/>.</summary>
    public bool TimedOut => Exception is TimeoutRejectedException;
}

/// <summary>
/// The MobileX retry: a Polly pipeline that retries until the call succeeds or its token is cancelled, waiting
/// <see cref="RetryOptions.DelayFor"/> between attempts and, when <see cref="RetryOptions.AttemptTimeout"/> is set,
/// cutting off each attempt after it. Build one per call site and keep it (it holds no per-call state); pass
/// per-call details to <c>onRetry</c> through <see cref="ResilienceContext.Properties"/>.
/// </summary>
public static class RetryPipeline
{
    /// <summary>Builds the pipeline.</summary>
    /// <param name="options">The delays; read once, here.</param>
    /// <param name="onRetry">Called after each failed attempt, before the delay: log it, count it.</param>
    /// <param name="shouldRetry">Which failures are retried; by default every one but <see cref="OperationCanceledException"/>.
    /// Nothing is retried once the caller's token is cancelled.</param>
    /// <param name="timeProvider">The clock the delays and timeouts run on; <see cref="TimeProvider.System"/> by default.</param>
    public static ResiliencePipeline Create(RetryOptions options, Action<RetryAttempt> onRetry, Func<Exception, bool>? shouldRetry = null,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(onRetry);
        shouldRetry ??= static ex => ex is not OperationCanceledException;
        var builder = new ResiliencePipelineBuilder { TimeProvider = timeProvider ?? TimeProvider.System };
        builder.AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = int.MaxValue,
            ShouldHandle = args => ValueTask.FromResult(
                args.Outcome.Exception is { } ex && !args.Context.CancellationToken.IsCancellationRequested && shouldRetry(ex)),
            DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(options.DelayFor(args.AttemptNumber + 1)),
            OnRetry = args =>
            {
                onRetry(new RetryAttempt(args.AttemptNumber + 1, args.RetryDelay, args.Outcome.Exception!, args.Context));
                return ValueTask.CompletedTask;
            },
        });
        if (options.AttemptTimeout is { } attemptTimeout)
        {
            builder.AddTimeout(attemptTimeout);
        }

        return builder.Build();
    }

    /// <summary>
    /// Runs <paramref name="callback"/> through <paramref name="pipeline"/> with <paramref name="value"/> set on its
    /// context under <paramref name="key"/>, so the pipeline's <c>onRetry</c> can tell which call failed
    /// (<c>retry.Context.Properties.GetValue(key, …)</c>).
    /// </summary>
    public static async Task ExecuteAsync<TValue>(this ResiliencePipeline pipeline, ResiliencePropertyKey<TValue> key, TValue value,
        Func<CancellationToken, Task> callback, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(callback);
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(key, value);
        try
        {
            await pipeline.ExecuteAsync(static async (ctx, call) => await call(ctx.CancellationToken).ConfigureAwait(false), context, callback)
                .ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>
    /// Registers the named <see cref="RetryOptions"/> <paramref name="section"/>: <paramref name="defaults"/>, then the
    /// settings under that configuration section, validated at start-up with messages naming <c>{section}:{setting}</c>.
    /// Read it with <c>IOptionsMonitor&lt;RetryOptions&gt;.Get(section)</c>.
    /// </summary>
    public static OptionsBuilder<RetryOptions> AddRetryOptions(this IServiceCollection services, string section, Action<RetryOptions>? defaults = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(section);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RetryOptions>, RetryOptionsValidator>());
        var builder = services.AddOptions<RetryOptions>(section);
        if (defaults is not null)
        {
            builder.Configure(defaults);
        }

        return builder.BindConfiguration(section).ValidateOnStart();
    }

    /// <summary>The named <see cref="RetryOptions"/> registered by <see cref="AddRetryOptions"/>.</summary>
    public static RetryOptions GetRetryOptions(this IServiceProvider services, string section) =>
        services.GetRequiredService<IOptionsMonitor<RetryOptions>>().Get(section);
}
