using System.Text.Json;
using Amazon.S3;
using MobileX.Api.Auth;
using MobileX.Api.Http;
using MobileX.Contracts;

namespace MobileX.Api.Avatars;

/// <summary>Avatars: create one from a station's latest bust, then read the image and its lineage.</summary>
public static class AvatarsApi
{
    public static IEndpointRouteBuilder MapAvatarsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/avatars").WithTags("Avatars");
        // The only write; every read falls under the read fallback policy (Auth/AuthExtensions.cs).
        api.MapPost("/", CreateAvatar)
            .RequireAuthorization(AuthExtensions.WritePolicy)
            .Accepts<AvatarRequest>("application/json")
            .Produces(StatusCodes.Status303SeeOther)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status502BadGateway)
            .ProducesProblem(StatusCodes.Status504GatewayTimeout)
            .WithSummary("Generate an avatar and answer 303 See Other to it");
        api.MapGet("/{id}", GetAvatar).WithSummary("The avatar image");
        api.MapGet("/{id}/meta", GetLineage).WithSummary("The avatar's lineage: source frame, prompt, backend, parameters, durations");
        return app;
    }

    /// <summary>The avatar's image route, <c>/api/avatars/{id}</c>; its lineage is the same plus <c>/meta</c>.</summary>
    public static string PathOf(AvatarId avatarId) => $"/api/avatars/{avatarId}";

    internal static async Task<IResult> CreateAvatar(HttpRequest request, AvatarService avatars, CancellationToken cancellationToken)
    {
        // Read by hand rather than bound, so a body that is not JSON gets a problem naming the parse error.
        AvatarRequest? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync(request.Body, AvatarJsonContext.Default.AvatarRequest, cancellationToken);
        }
        catch (JsonException ex)
        {
            return Problems.BadRequest("Body is not valid JSON", $"The request body must be a JSON object {{ stationId | frameKey, prompt, negativePrompt?, style?, seed?, strength? }}: {ex.Message}");
        }

        if (body is null)
        {
            return Problems.BadRequest("Body is not valid JSON", "The request body must be a JSON object, not null.");
        }

        if (body.Validate() is { } error)
        {
            return Problems.BadRequest("Invalid avatar request", error);
        }

        var (avatarId, problem) = await avatars.CreateAsync(body, cancellationToken);
        return avatarId is { } created ? new SeeOtherResult(PathOf(created)) : problem!;
    }

    internal static Task<IResult> GetAvatar(string id, IAmazonS3 s3, CancellationToken cancellationToken) =>
        GetAvatarObject(id, AvatarKeys.Image, contentType: null, s3, cancellationToken);

    internal static Task<IResult> GetLineage(string id, IAmazonS3 s3, CancellationToken cancellationToken) =>
        GetAvatarObject(id, AvatarKeys.Lineage, "application/json", s3, cancellationToken);

    /// <summary>One of an avatar's objects by id; <paramref name="contentType"/> null serves the stored type.</summary>
    private static async Task<IResult> GetAvatarObject(string id, Func<AvatarId, string> key, string? contentType, IAmazonS3 s3, CancellationToken cancellationToken)
    {
        if (!AvatarId.TryParse(id, out var avatarId))
        {
            return Problems.NotFound("Unknown avatar", $"'{id}' is not an avatar id (32 hex digits).");
        }

        var stored = await s3.GetObjectOrNullAsync(Buckets.Avatars, key(avatarId), cancellationToken);
        return stored is null
            ? Problems.NotFound("Unknown avatar", $"No avatar {avatarId}.")
            : TypedResults.Bytes(stored.Content, contentType ?? stored.ContentType ?? "application/octet-stream");
    }

    /// <summary>303 See Other: the POST made a new resource; the client GETs it.</summary>
    private sealed class SeeOtherResult(string location) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = StatusCodes.Status303SeeOther;
            httpContext.Response.Headers.Location = location;
            return Task.CompletedTask;
        }
    }
}
