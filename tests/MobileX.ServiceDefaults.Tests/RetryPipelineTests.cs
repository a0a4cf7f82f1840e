using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MobileX.Resilience;

namespace MobileX.ServiceDefaults.Tests;

/// <summary>The one MobileX retry: its backoff, what it retries, its attempt timeout and its validated settings.</summary>
public class RetryPipelineTests
{
    private static readonly RetryOptions Fast = new() { RetryDelay = TimeSpan.FromMilliseconds(10), MaxRetryDelay = TimeSpan.FromMilliseconds(40) };

    [Fact]
    public void The_delay_doubles_per_attempt_up_to_the_maximum()
    {
        var options = new RetryOptions { RetryDelay = TimeSpan.FromSeconds(1), MaxRetryDelay = TimeSpan.FromSeconds(30) };

        Assert.Equal([1, 2, 4, 8, 16, 30, 30], new long[] { 1, 2, 3, 4, 5, 6, 1000 }.Select(a => options.DelayFor(a).TotalSeconds));
        Assert.Equal(TimeSpan.FromSeconds(30), options.DelayFor(long.MaxValue));
    }

    [Fact]
    public void Jitter_draws_each_delay_from_the_upper_half()
    {
        var options = new RetryOptions { RetryDelay = TimeSpan.FromMilliseconds(100), MaxRetryDelay = TimeSpan.FromSeconds(5), RetryJitter = true };

        for (var attempt = 1; attempt <= 12; attempt++)
        {
            var full = Math.Min(100 * Math.Pow(2, attempt - 1), 5000);
            var delay = options.DelayFor(attempt).TotalMilliseconds;
            Assert.InRange(delay, full / 2, full);
        }
    }

    [Fact]
    public async Task It_retries_until_the_call_succeeds_reporting_each_attempt_with_its_delay()
    {
        var reported = new List<RetryAttempt>();
        var pipeline = RetryPipeline.Create(Fast, reported.Add);
        var calls = 0;

        await pipeline.ExecuteAsync(_ => ++calls < 4 ? throw new IOException($"failure {calls}") : ValueTask.CompletedTask, TestContext.Current.CancellationToken);

        Assert.Equal(4, calls);
        Assert.Equal([1, 2, 3], reported.Select(r => r.Attempt));
        Assert.Equal([Fast.DelayFor(1), Fast.DelayFor(2), Fast.DelayFor(3)], reported.Select(r => r.Delay));
        Assert.Equal(["failure 1", "failure 2", "failure 3"], reported.Select(r => r.Exception.Message));
    }

    [Fact]
    public async Task A_failure_it_should_not_retry_and_cancellation_end_it()
    {
        var pipeline = RetryPipeline.Create(Fast, _ => { }, ex => ex is IOException);
        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await pipeline.ExecuteAsync(_ => throw new InvalidOperationException("not transient"), TestContext.Current.CancellationToken));

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var calls = 0;
        var retrying = RetryPipeline.Create(Fast, _ =>
        {
            if (calls == 3)
            {
                cancel.Cancel();
            }
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            await retrying.ExecuteAsync(_ => { calls++; throw new IOException("down"); }, cancel.Token));
        Assert.Equal(3, calls);
    }

    [Fact]
    public async Task An_attempt_that_outlasts_the_attempt_timeout_is_cut_off_and_retried()
    {
        var options = new RetryOptions { RetryDelay = Fast.RetryDelay, MaxRetryDelay = Fast.MaxRetryDelay, AttemptTimeout = TimeSpan.FromMilliseconds(100) };
        var reported = new List<RetryAttempt>();
        var pipeline = RetryPipeline.Create(options, reported.Add);
        var calls = 0;

        await pipeline.ExecuteAsync(async ct =>
        {
            if (++calls == 1)
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
        }, TestContext.Current.CancellationToken);

        Assert.Equal(2, calls);
        Assert.True(Assert.Single(reported).TimedOut);
    }

    [Theory]
    [InlineData("Capture:RetryDelay", "00:00:00.001")]
    [InlineData("Capture:MaxRetryDelay", "02:00:00")]
    [InlineData("Capture:MaxRetryDelay", "00:00:00.050")]
    [InlineData("Capture:AttemptTimeout", "00:00:00.010")]
    public async Task A_bad_setting_stops_start_up_naming_it(string key, string value)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection([new(key, value)]);
        builder.Services.AddRetryOptions("Capture", o => o.RetryDelay = TimeSpan.FromMilliseconds(100));
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));
        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_section_keeps_its_own_defaults_and_settings()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection([new("Preprocessor:MaxRetryDelay", "00:01:00")]);
        builder.Services.AddRetryOptions("Preprocessor", o => (o.RetryDelay, o.MaxRetryDelay) = (TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30)));
        builder.Services.AddRetryOptions("Preprocessor:Startup");
        using var host = builder.Build();

        var nak = host.Services.GetRetryOptions("Preprocessor");
        var startup = host.Services.GetRetryOptions("Preprocessor:Startup");
        Assert.Equal((TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1)), (nak.RetryDelay, nak.MaxRetryDelay));
        Assert.Equal((TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10)), (startup.RetryDelay, startup.MaxRetryDelay));
    }
}
