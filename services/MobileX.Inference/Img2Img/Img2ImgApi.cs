using System.Diagnostics;
using System.Text.Json;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using MobileX.Contracts;
using MobileX.Inference.Backends;
using MobileX.Inference.Concurrency;
using MobileX.Inference.Telemetry;

namespace MobileX.Inference.Img2Img;

/// <summary><c>POST /v1/img2img</c> and <c>GET /v1/backend</c>: the adapter's whole internal API.</summary>
public static class Img2ImgApi
{
    /// <summary>Maps the img2img endpoint and the backend description.</summary>
    public static IEndpointRouteBuilder MapImg2ImgApi(this IEndpointRouteBuilder app)
    {
        app.MapPost(InferenceApi.Img2ImgPath, Img2ImgAsync).WithName("Img2Img");
        app.MapGet("/v1/backend", DescribeBackend).WithName("Backend");
        return app;
    }

    /// <summary>What the adapter runs, so callers can show it plainly (local is never Stable Diffusion).</summary>
    public sealed record BackendInfo(string Backend, bool StableDiffusion, IReadOnlyList<string> Styles, int MaxConcurrency, int QueueLimit, int MaxImageBytes);

    private static BackendInfo DescribeBackend(IOptions<InferenceOptions> options, BackendGate gate) => new(
        options.Value.Backend,
        options.Value.Backend != InferenceApi.Backends.Local,
        Styles.All,
        gate.Permits,
        gate.QueueLimit,
        options.Value.MaxImageBytes);

    private static async Task<IResult> Img2ImgAsync(
        HttpContext http,
        IImg2ImgBackend backend,
        BackendGate gate,
        InferenceTelemetry telemetry,
        IOptions<InferenceOptions> options,
        ILoggerFactory loggerFactory)
    {
        var logger = loggerFactory.CreateLogger(typeof(Img2ImgApi));
        var aborted = http.RequestAborted;
        var o = options.Value;

        var (request, readError) = await ReadAsync(http, o, aborted);
        Img2ImgJob job = null!;
        var error = readError ?? Img2ImgValidation.TryCreateJob(request, o, out job);
        if (error is not null)
        {
            InferenceLog.Rejected(logger, error.Status, error.Detail);
            telemetry.Outcome(backend.Name, error.Status == 413 ? Outcomes.TooLarge : Outcomes.BadRequest);
            return Problem(error.Status, error.Status == 413 ? "Image too large" : "Invalid img2img request", error.Detail, error.Field);
        }

        using var activity = InferenceTelemetry.ActivitySource.StartActivity("img2img");
        activity?.SetTag("inference.backend", backend.Name);
        activity?.SetTag("inference.style", job.Style);
        activity?.SetTag("inference.seed", job.Seed);

        var queued = Stopwatch.GetTimestamp();
        RateLimitLease lease;
        try
        {
            lease = await gate.EnterAsync(aborted);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The caller left while queued: nothing ran, nothing to answer.
            telemetry.Outcome(backend.Name, Outcomes.Cancelled);
            InferenceLog.Cancelled(logger, backend.Name, Stopwatch.GetElapsedTime(queued).TotalMilliseconds);
            return TypedResults.Empty;
        }

        using var _ = lease;
        if (!lease.IsAcquired)
        {
            var retryAfter = gate.RetryAfterSeconds();
            InferenceLog.QueueFull(logger, backend.Name, gate.QueueLimit, retryAfter);
            telemetry.Outcome(backend.Name, Outcomes.QueueFull);
            http.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Problem(429, "Inference queue full", $"{backend.Name} is busy: {gate.Permits} running and {gate.QueueLimit} waiting. Retry after {retryAfter} s.");
        }

        var queueWait = Stopwatch.GetElapsedTime(queued);
        telemetry.QueueWait(backend.Name, queueWait);
        activity?.SetTag("inference.queue_wait_ms", queueWait.TotalMilliseconds);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        timeout.CancelAfter(o.Timeout);
        var started = Stopwatch.GetTimestamp();
        // Records the backend's time and the outcome; only finished or timed-out runs feed the Retry-After estimate.
        TimeSpan Finish(string outcome, bool feedsRetryAfter)
        {
            var elapsed = Stopwatch.GetElapsedTime(started);
            if (feedsRetryAfter)
            {
                gate.Record(elapsed);
            }

            telemetry.BackendFinished(backend.Name, outcome, elapsed);
            return elapsed;
        }

        try
        {
            var image = await backend.GenerateAsync(job, timeout.Token);
            var duration = Finish(Outcomes.Ok, feedsRetryAfter: true);
            InferenceLog.Generated(logger, backend.Name, duration.TotalMilliseconds, queueWait.TotalMilliseconds, job.Width, job.Height, job.Style, job.Seed);

            // The backend's picture is already base64 (encoded once by the backend, or passed on as the backend sent it).
            var result = new Img2ImgResult(
                image.Base64, image.ContentType, job.Width, job.Height, backend.Name, image.Model,
                job.Seed, job.Strength, job.Style, Math.Round(duration.TotalMilliseconds, 1), image.Parameters);
            return TypedResults.Json(result, InferenceJsonContext.Default.Img2ImgResult);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            InferenceLog.Cancelled(logger, backend.Name, Finish(Outcomes.Cancelled, feedsRetryAfter: false).TotalMilliseconds);
            return TypedResults.Empty;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            Finish(Outcomes.Timeout, feedsRetryAfter: true);
            InferenceLog.BackendTimeout(logger, backend.Name, o.Timeout);
            activity?.SetStatus(ActivityStatusCode.Error, "timeout");
            return Problem(504, "Inference backend timed out", $"{backend.Name} did not answer within {o.Timeout.TotalSeconds:0.###} s.");
        }
        catch (BackendException ex)
        {
            Finish(Outcomes.BackendError, feedsRetryAfter: false);
            InferenceLog.BackendFailed(logger, ex, backend.Name, ex.Message);
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            return Problem(502, "Inference backend error", ex.Message);
        }
        catch (InvalidJobException ex)
        {
            telemetry.Outcome(backend.Name, Outcomes.BadRequest);
            InferenceLog.Rejected(logger, 400, ex.Message);
            return Problem(400, "Invalid img2img request", ex.Message, "image");
        }
    }

    /// <summary>Reads the JSON body, answering 400 for anything that is not JSON and 413 for an oversized body.</summary>
    private static async Task<(Img2ImgRequest? Request, RequestError? Error)> ReadAsync(HttpContext http, InferenceOptions options, CancellationToken cancellationToken)
    {
        if (!http.Request.HasJsonContentType())
        {
            return (null, new(400, "body", $"The body must be JSON with Content-Type application/json (got '{http.Request.ContentType}')."));
        }

        var limit = BodyLimit(options);
        if (http.Request.ContentLength > limit)
        {
            return (null, new(413, "body", $"The body is {http.Request.ContentLength:N0} bytes; the adapter accepts at most {limit:N0} (images up to {options.MaxImageBytes:N0} bytes)."));
        }

        try
        {
            return (await http.Request.ReadFromJsonAsync(InferenceJsonContext.Default.Img2ImgRequest, cancellationToken), null);
        }
        catch (JsonException ex)
        {
            return (null, new(400, "body", $"The body is not a valid img2img JSON request: {ex.Message}"));
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, new(413, "body", $"The body is larger than the adapter accepts: at most {limit:N0} bytes (images up to {options.MaxImageBytes:N0} bytes)."));
        }
    }

    /// <summary>Base64 of the largest image plus room for prompts and fields.</summary>
    internal static long BodyLimit(InferenceOptions options) => (long)options.MaxImageBytes * 4 / 3 + 64 * 1024;

    private static IResult Problem(int status, string title, string detail, string? field = null)
    {
        var extensions = field is null ? null : new Dictionary<string, object?> { ["field"] = field };
        return TypedResults.Problem(detail, statusCode: status, title: title, extensions: extensions);
    }
}
