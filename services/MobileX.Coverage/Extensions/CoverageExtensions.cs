using Microsoft.Extensions.Options;
using MobileX.Coverage.Telemetry;
using MobileX.Coverage.Timeline;
using MobileX.Feeds;
using OpenTelemetry.Trace;

namespace MobileX.Coverage.Extensions;

public static class CoverageExtensions
{
    /// <summary>The model: its feed (everything about NATS and S3 is in there), the timeline, and its two workers.</summary>
    public static IHostApplicationBuilder AddCoverage(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<CoverageOptions>().Bind(builder.Configuration.GetSection(CoverageOptions.SectionName)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<CoverageOptions>, CoverageOptionsValidator>();
        // The timeline is rebuilt from the lake at each start, so the feed reads the window again rather than resuming.
        builder.Services.PostConfigure<FeedOptions>(feed =>
        {
            var coverage = builder.Configuration.GetSection(CoverageOptions.SectionName).Get<CoverageOptions>() ?? new CoverageOptions();
            feed.Since ??= feed.From is null ? coverage.Window : null;
            feed.Resume = false;
        });
        builder.AddFrameFeed();
        builder.Services.AddSingleton(sp => new CoverageTimelineBuilder(sp.GetRequiredService<IOptions<CoverageOptions>>().Value));
        builder.Services.AddHostedService<CoverageWorker>();
        builder.Services.AddHostedService<TimelinePublisher>();
        builder.Services.AddHostedService<StartupLog>();
        builder.Services.AddOpenTelemetry().WithTracing(t => t.AddSource(CoverageWorker.Source.Name));
        return builder;
    }

    private sealed class StartupLog(IOptions<CoverageOptions> coverage, IOptions<FeedOptions> feed, ILogger<StartupLog> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            var c = coverage.Value;
            CoverageLog.Started(logger, c.StationCount, c.Window, c.Resolution, string.Join(",", feed.Value.Stages), feed.Value.Model);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
