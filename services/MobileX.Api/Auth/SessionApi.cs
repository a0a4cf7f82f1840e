using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using MobileX.Api.Http;
using MobileX.Api.Telemetry;

namespace MobileX.Api.Auth;

/// <summary>The page's sign-in: a key pasted once becomes an HttpOnly session cookie.</summary>
public static class SessionApi
{
    public const string Path = "/api/session";

    public static IEndpointRouteBuilder MapSessionApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(Path).WithTags("Session");
        api.MapPost("/", SignIn).AllowAnonymous()
            .WithSummary("Sign in with an API key: sets the HttpOnly session cookie the page then uses");
        api.MapGet("/", Current).RequireAuthorization(AuthExtensions.ReadPolicy)
            .WithSummary("The caller's right (read or write) and credential fingerprint");
        api.MapDelete("/", EndSession).AllowAnonymous().WithSummary("Sign out: removes the session cookie");
        return app;
    }

    /// <summary>The sign-in form's body.</summary>
    public sealed record SignInRequest(string? Key);

    /// <summary>Who the caller is, as far as the API says: never the key itself.</summary>
    public sealed record SessionInfo(string Right, string Credential);

    private static async Task<Results<Ok<SessionInfo>, ProblemHttpResult>> SignIn(SignInRequest? request, HttpContext context, ApiKeys keys, ILoggerFactory loggers)
    {
        if (request?.Key is not { Length: > 0 } key)
        {
            return Problems.BadRequest("No key", "The body must be JSON {\"key\": \"<API key>\"}; 'key' is missing or empty.");
        }

        key = key.Trim();
        var fingerprint = ApiKeys.Fingerprint(key);
        var logger = loggers.CreateLogger("MobileX.Api.Auth.Session");
        if (keys.RightOf(key) is not { } right)
        {
            ApiLog.SignInRefused(logger, fingerprint);
            context.Response.Headers.WWWAuthenticate = Refusals.Challenge;
            return Problems.Problem(StatusCodes.Status401Unauthorized, "Sign-in refused", $"Key {fingerprint}… is not a configured API key.");
        }

        var credential = $"key:{fingerprint}";
        await context.SignInAsync(AuthExtensions.CookieScheme, new ClaimsPrincipal(Rights.Identity(right, credential, AuthExtensions.CookieScheme)));
        ApiLog.SignedIn(logger, credential, right);
        return TypedResults.Ok(new SessionInfo(right, credential));
    }

    private static Ok<SessionInfo> Current(ClaimsPrincipal user) =>
        TypedResults.Ok(new SessionInfo(Rights.Of(user)!, user.FindFirst(Rights.CredentialClaimType)?.Value ?? "unknown"));

    private static async Task<NoContent> EndSession(HttpContext context, ILoggerFactory loggers)
    {
        // Anonymous, so a page whose cookie has already expired can still clear it; the cookie scheme says who it was.
        var session = await context.AuthenticateAsync(AuthExtensions.CookieScheme);
        if (session.Principal?.FindFirst(Rights.CredentialClaimType)?.Value is { } credential)
        {
            ApiLog.SignedOut(loggers.CreateLogger("MobileX.Api.Auth.Session"), credential);
        }

        await context.SignOutAsync(AuthExtensions.CookieScheme);
        return TypedResults.NoContent();
    }
}
