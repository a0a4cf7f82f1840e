using System.Globalization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using MobileX.Api.Http;

namespace MobileX.Api.Lake;

/// <summary>
/// Lake objects by bucket and key: streamed through the API, or as a presigned URL the object store serves itself.
/// Only objects of the lake's contracts are served (raw frames, busts, lineage sidecars, rejection labels, avatars);
/// both endpoints have the same authorization as the rest of the API.
/// </summary>
public static class LakeApi
{
    public static IEndpointRouteBuilder MapLakeApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(LakeAddress.RoutePrefix).WithTags("Lake");
        // The literal segment outranks {bucket}, and no lake bucket is called "presigned".
        api.MapGet("/presigned/{bucket}/{**key}", Presign)
            .Produces<PresignedUrl>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("A presigned GET URL of one lake object, valid for expires seconds");
        api.MapGet("/{bucket}/{**key}", Download)
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream")
            .Produces(StatusCodes.Status304NotModified)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("One lake object (raw frame, bust, lineage sidecar, rejection label, avatar), streamed from the store");
        return app;
    }

    internal static async Task<IResult> Download(string bucket, string? key, HttpContext context, LakeStore lake, ILogger<LakeStore> logger, CancellationToken cancellationToken)
    {
        if (Resolve(bucket, key, context, out var problem) is not { } address)
        {
            return problem!;
        }

        return await lake.OpenAsync(address, LakeCaching.IfNoneMatch(context.Request), cancellationToken) switch
        {
            LakeOpenResult.Found found => new LakeObjectResult(address, found.Response, logger),
            LakeOpenResult.NotModified current => LakeCaching.NotModified(address, current.ETag),
            LakeOpenResult.TooLarge large => Problems.Problem(StatusCodes.Status403Forbidden, "Object too large to serve through the API",
                string.Create(CultureInfo.InvariantCulture,
                    $"{address.Bucket}/{address.Key} is {large.Bytes:N0} bytes; the API streams at most {large.MaxBytes:N0} (Api:Lake:MaxObjectBytes). Fetch it from the object store with the URL GET {PresignedPathOf(address)} answers."),
                new Dictionary<string, object?> { ["presigned"] = PresignedPathOf(address), ["bytes"] = large.Bytes, ["maxBytes"] = large.MaxBytes }),
            _ => Absent(address),
        };
    }

    internal static async Task<IResult> Presign(
        string bucket, string? key, string? expires, HttpContext context, LakeStore lake, IOptions<LakeOptions> options, CancellationToken cancellationToken)
    {
        // Bound as text, so a bad value gets a problem naming it; "?expires=" (present, empty) is an error, not the default.
        if (expires is null && context.Request.Query.ContainsKey("expires"))
        {
            expires = string.Empty;
        }

        if (Resolve(bucket, key, context, out var problem) is not { } address)
        {
            return problem!;
        }

        var max = options.Value.PresignMaxExpiry;
        var validFor = options.Value.PresignDefaultExpiry;
        if (expires is not null)
        {
            if (!int.TryParse(expires, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds < 1 || seconds > max.TotalSeconds)
            {
                return Problems.BadRequest("Bad expires",
                    string.Create(CultureInfo.InvariantCulture, $"expires must be a whole number of seconds from 1 to {(long)max.TotalSeconds} (Api:Lake:PresignMaxExpiry), not '{expires}'."));
            }

            validFor = TimeSpan.FromSeconds(seconds);
        }

        // A URL for an absent object would only fail later, at the store, with its own XML error.
        if (!await lake.ExistsAsync(address, cancellationToken))
        {
            return Absent(address);
        }

        var presigned = await lake.PresignAsync(address, validFor, cancellationToken);
        // The URL is a bearer credential for the object until it expires: keep it out of every cache.
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(presigned);
    }

    /// <summary><c>/api/lake/presigned/{bucket}/{key}</c> of an object.</summary>
    public static string PresignedPathOf(LakeAddress address) =>
        LakeAddress.RoutePrefix + "/presigned" + address.DownloadPath[LakeAddress.RoutePrefix.Length..];

    /// <summary>The lake object the route names, or null with the 400 to answer.</summary>
    private static LakeAddress? Resolve(string bucket, string? key, HttpContext context, out ProblemHttpResult? problem)
    {
        problem = null;
        // Kestrel resolves '.' and '..' segments before routing, so "a/../b" arrives as "b": the raw request target
        // still shows them. Through the gateway, the gateway's Kestrel has already resolved them the same way, and the
        // resolved path is judged like any other.
        if (DotSegmentIn(context))
        {
            problem = Problems.BadRequest("Key is not a plain path",
                $"The request path '{RawPath(context)}' has a '.' or '..' segment. Lake keys are plain paths: no empty, '.' or '..' segments.");
            return null;
        }

        var address = LakeAddress.TryResolve(bucket, key ?? string.Empty, out var bad);
        if (bad is not null)
        {
            problem = Problems.BadRequest(bad.Title, bad.Detail);
        }

        return address;
    }

    private static ProblemHttpResult Absent(LakeAddress address) =>
        Problems.NotFound("No such object", $"{address.Bucket}/{address.Key} is not in the lake.");

    private static string RawPath(HttpContext context)
    {
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? string.Empty;
        var query = target.IndexOf('?', StringComparison.Ordinal);
        return query < 0 ? target : target[..query];
    }

    private static bool DotSegmentIn(HttpContext context) =>
        RawPath(context).Split('/').Any(segment => Uri.UnescapeDataString(segment) is "." or "..");
}
