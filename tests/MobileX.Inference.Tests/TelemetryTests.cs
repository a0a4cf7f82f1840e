using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;

namespace MobileX.Inference.Tests;

/// <summary>The adapter reports each job on <c>MobileX.Inference</c>: a span, queue wait, backend time and outcome.</summary>
public sealed class TelemetryTests
{
    [Fact]
    public async Task A_job_emits_an_img2img_span_and_queue_backend_and_outcome_metrics()
    {
        const long seed = 771_234_567;
        await using var app = new InferenceApp();
        var client = app.CreateClient();
        var meterFactory = app.Services.GetRequiredService<IMeterFactory>();

        var spans = new ConcurrentQueue<Activity>();
        using var activityListener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "MobileX.Inference",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.GetTagItem("inference.seed") is long s && s == seed)
                {
                    spans.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(activityListener);

        var measurements = new ConcurrentQueue<(string Instrument, string? Outcome)>();
        using var meterListener = new MeterListener
        {
            // Only this app's meter: other tests run in parallel with their own adapters.
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "MobileX.Inference" && ReferenceEquals(instrument.Meter.Scope, meterFactory))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        meterListener.SetMeasurementEventCallback<double>((i, _, tags, _) => measurements.Enqueue((i.Name, Outcome(tags))));
        meterListener.SetMeasurementEventCallback<long>((i, _, tags, _) => measurements.Enqueue((i.Name, Outcome(tags))));
        meterListener.Start();

        using (var ok = await client.PostAsync(Img2Img.Request(seed: seed)))
        {
            await ok.ReadResultAsync();
        }

        using (var bad = await client.PostAsync(Img2Img.Request(prompt: "")))
        {
            await bad.ReadProblemAsync(HttpStatusCode.BadRequest);
        }

        var span = Assert.Single(spans);
        Assert.Equal("img2img", span.DisplayName);
        Assert.Equal("local", span.GetTagItem("inference.backend"));
        Assert.Contains(measurements, m => m.Instrument == "mobilex.inference.queue.wait");
        Assert.Contains(measurements, m => m.Instrument == "mobilex.inference.backend.duration" && m.Outcome == "ok");
        Assert.Contains(measurements, m => m.Instrument == "mobilex.inference.requests" && m.Outcome == "ok");
        Assert.Contains(measurements, m => m.Instrument == "mobilex.inference.requests" && m.Outcome == "bad_request");
    }

    [Fact]
    public async Task A_local_job_over_the_timeout_is_504()
    {
        await using var app = new InferenceApp(new Dictionary<string, string?> { ["Inference:Timeout"] = "00:00:00.001" });

        using var response = await app.CreateClient().PostAsync(Img2Img.Request(style: "stylization"));

        var detail = await response.ReadProblemAsync(HttpStatusCode.GatewayTimeout);
        Assert.Contains("local did not answer within 0.001 s", detail, StringComparison.Ordinal);
    }

    private static string? Outcome(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == "outcome")
            {
                return tag.Value as string;
            }
        }

        return null;
    }
}
