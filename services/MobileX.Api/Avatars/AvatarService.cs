using System.Diagnostics;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Amazon.S3;
using Microsoft.Extensions.Options;
using MobileX.Api.Http;
using MobileX.Api.Inference;
using MobileX.Api.Stations;
using MobileX.Api.Telemetry;
using MobileX.Contracts;
using MobileX.Messaging;
using NATS.Client.JetStream;

namespace MobileX.Api.Avatars;

/// <summary>
/// Turns a processed bust into an avatar: resolve the source, call the inference adapter, store image and lineage in
/// bucket <c>avatars</c>, publish <c>mobilex.avatars.created</c>. Nothing is stored unless the adapter succeeded.
/// </summary>
public sealed class AvatarService(
    StationDirectory directory,
    LatestFrameCache latest,
    IAmazonS3 s3,
    InferenceClient inference,
    INatsJSContext js,
    IOptions<ApiOptions> options,
    TimeProvider time,
    ILogger<AvatarService> logger)
{
    /// <summary>The new avatar's id, or the problem to answer.</summary>
    public async Task<(AvatarId? AvatarId, IResult? Problem)> CreateAsync(AvatarRequest request, CancellationToken cancellationToken)
    {
        using var activity = ApiTelemetry.Source.StartActivity("avatar create");
        var started = Stopwatch.GetTimestamp();

        var (source, problem) = await ResolveSourceAsync(request, cancellationToken);
        if (source is null)
        {
            return (null, problem);
        }

        activity?.SetTag("mobilex.source.key", source.Key);
        InferenceOutcome outcome;
        try
        {
            outcome = await inference.Img2ImgAsync(
                new Img2ImgRequest(Convert.ToBase64String(source.Content.Span), request.Prompt!, request.NegativePrompt, request.Style, request.Seed, request.Strength),
                cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or Polly.Timeout.TimeoutRejectedException or Polly.CircuitBreaker.BrokenCircuitException
                                   || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            ApiLog.InferenceUnreachable(logger, ex);
            return (null, Problems.Problem(StatusCodes.Status503ServiceUnavailable, "Inference adapter unavailable", $"The inference adapter could not be reached: {ex.Message}"));
        }

        if (outcome.Result is not { } result)
        {
            ApiLog.InferenceRefused(logger, outcome.Status, outcome.Detail);
            return (null, MapInferenceProblem(outcome));
        }

        var image = Convert.FromBase64String(result.Image);
        var avatarId = AvatarId.New(time.GetUtcNow());
        var key = AvatarKeys.Image(avatarId);
        var lineageKey = AvatarKeys.Lineage(avatarId);
        var stationId = source.StationId;
        var sourceFrameId = source.FrameId;
        var durationMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var lineage = new AvatarLineage(
            avatarId, Buckets.Avatars, key, result.ContentType, result.Width, result.Height, image.Length,
            Convert.ToHexStringLower(SHA256.HashData(image)), stationId, sourceFrameId, source.Bucket, source.Key,
            request.Prompt!, request.NegativePrompt, result.Style ?? request.Style, result.Seed, result.Strength,
            result.Backend, result.Model, result.Parameters, result.DurationMs, durationMs, Instance, time.GetUtcNow());

        // Image first, lineage second: a lineage object always points at a stored image.
        await s3.EnsureBucketAsync(Buckets.Avatars, cancellationToken);
        await s3.PutObjectAsync(Buckets.Avatars, key, image, result.ContentType, null, cancellationToken);
        await s3.PutObjectAsync(Buckets.Avatars, lineageKey, JsonSerializer.SerializeToUtf8Bytes(lineage, ContractsJsonContext.Default.AvatarLineage), "application/json", null, cancellationToken);

        var created = new AvatarCreated(avatarId, stationId, sourceFrameId, source.Bucket, source.Key, Buckets.Avatars, key, lineageKey,
            result.Backend, request.Prompt!, lineage.CreatedAt);
        try
        {
            var ack = await js.PublishAsync(Subjects.AvatarsCreated, created, ContractSerializers.For<AvatarCreated>(),
                new NatsJSPubOpts { MsgId = MessageIds.AvatarCreated(avatarId), RetryAttempts = 3 }, cancellationToken: cancellationToken);
            ack.EnsureStored();
        }
        catch (Exception ex) when (ex is NATS.Client.Core.NatsException or NatsJSException)
        {
            // The avatar and its lineage are stored and served; only the notification is missing.
            ApiLog.AvatarEventFailed(logger, ex, avatarId);
        }

        ApiTelemetry.AvatarsCreated.Add(1, new KeyValuePair<string, object?>("backend", result.Backend));
        ApiTelemetry.AvatarDuration.Record(durationMs, new KeyValuePair<string, object?>("backend", result.Backend));
        ApiLog.AvatarCreated(logger, avatarId, source.Bucket, source.Key, result.Backend, durationMs);
        return (avatarId, null);
    }

    private string Instance => options.Value.InstanceName ?? Environment.MachineName;

    private sealed record Source(StationId? StationId, FrameId? FrameId, string Bucket, string Key, ReadOnlyMemory<byte> Content);

    private async Task<(Source?, IResult?)> ResolveSourceAsync(AvatarRequest request, CancellationToken cancellationToken)
    {
        if (request.StationId is { } id)
        {
            if (StationLookup.Resolve(id, directory, out var station) is { } bad)
            {
                return (null, bad);
            }

            if (directory.LatestProcessed(station) is not { } frame)
            {
                return (null, Problems.Conflict("No processed frame yet",
                    $"Station {station} has no processed frame yet: the preprocessor has not accepted any of its frames (frames without a clear bust are rejected). Try again when its tile in the grid shows a picture."));
            }

            // The avatar is made from this frame: link its span to the frame's trace (capture → preprocessing → here).
            if (directory.LatestProcessedTrace(station) is { TraceId: var traceId } trace && traceId != default)
            {
                Activity.Current?.AddLink(new ActivityLink(trace));
            }

            var bytes = await latest.GetAsync(station, FrameKind.Processed, frame.Bucket, frame.Key, cancellationToken);
            return bytes is null
                ? (null, Problems.NotFound("Frame missing", $"The latest processed frame {frame.Bucket}/{frame.Key} of station {station} is not in the store."))
                : (new Source(station, frame.FrameId, frame.Bucket, frame.Key, bytes.Content), null);
        }

        var key = request.FrameKey!;
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || !Buckets.TryGetStation(key[..slash], out var owner) || !ObjectKeys.TryParseFrame(key[(slash + 1)..], out _, out var frameId))
        {
            return (null, Problems.BadRequest("Bad frame key", $"'{key}' is not a processed frame key (station-NN/yyyy/MM/dd/HH/HHmmssfff-<frameId>.jpg)."));
        }

        var stored = await s3.GetObjectOrNullAsync(Buckets.Processed, key, cancellationToken);
        return stored is null
            ? (null, Problems.NotFound("Unknown frame", $"No processed frame {Buckets.Processed}/{key}."))
            : (new Source(owner, frameId, Buckets.Processed, key, stored.Content), null);
    }

    private static IResult MapInferenceProblem(InferenceOutcome outcome)
    {
        var detail = outcome.Detail ?? "no detail";
        return outcome.Status switch
        {
            StatusCodes.Status400BadRequest => Problems.BadRequest(outcome.Title ?? "Inference refused the request", detail),
            StatusCodes.Status413PayloadTooLarge => Problems.Problem(StatusCodes.Status413PayloadTooLarge, "Image too large for the inference adapter", detail),
            StatusCodes.Status429TooManyRequests => new RetryAfterResult(
                Problems.Problem(StatusCodes.Status429TooManyRequests, "Inference queue full", detail),
                outcome.RetryAfter ?? TimeSpan.FromSeconds(5)),
            StatusCodes.Status504GatewayTimeout => Problems.Problem(StatusCodes.Status504GatewayTimeout, "Inference timed out", detail),
            _ => Problems.Problem(StatusCodes.Status502BadGateway, outcome.Title ?? "Inference backend failed", detail),
        };
    }

    /// <summary>A problem answer that also tells the client when to retry.</summary>
    private sealed class RetryAfterResult(IResult inner, TimeSpan retryAfter) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return inner.ExecuteAsync(httpContext);
        }
    }
}
