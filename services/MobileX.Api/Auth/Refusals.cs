using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using MobileX.Api.Http;
using MobileX.Api.Telemetry;

namespace MobileX.Api.Auth;

/// <summary>
/// Every refusal as problem+json: 401 with <c>WWW-Authenticate</c> when no credential or a bad one came, 403 when the
/// credential lacks the right. Written here rather than by each scheme's challenge, so a cookie scheme never answers a
/// redirect to a login page and a key scheme never answers an empty body.
/// </summary>
internal sealed class Refusals(ILogger<Refusals> logger) : IAuthorizationMiddlewareResultHandler
{
    /// <summary>The challenges the API accepts: a bearer token (API key or JWT) or the <c>X-Api-Key</c> header.</summary>
    public const string Challenge = "Bearer realm=\"MobileX\"";

    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Succeeded)
        {
            await _default.HandleAsync(next, context, policy, authorizeResult).ConfigureAwait(false);
            return;
        }

        var path = context.Request.Path.ToString();
        var method = context.Request.Method;
        if (authorizeResult.Forbidden)
        {
            var credential = context.User.FindFirst(Rights.CredentialClaimType)?.Value ?? "unknown";
            var needed = policy.Requirements.OfType<Microsoft.AspNetCore.Authorization.Infrastructure.ClaimsAuthorizationRequirement>()
                .Any(r => r.ClaimType == Rights.ClaimType && r.AllowedValues?.Contains(Rights.Write) == true) ? Rights.Write : Rights.Read;
            ApiLog.Forbidden(logger, method, path, credential, Rights.Of(context.User) ?? "none", needed);
            await Write(context, StatusCodes.Status403Forbidden, "Not allowed",
                $"{method} {path} needs the {needed} right; this credential ({credential}) holds {Rights.Of(context.User) ?? "no right"}. " +
                (needed == Rights.Write ? "Use the read-write key (api-key), not the read-only one." : "Use a key or token that grants read.")).ConfigureAwait(false);
            return;
        }

        // The middleware keeps only successful results; each handler caches its own per request, so asking again is cheap.
        var failure = (await context.AuthenticateAsync(AuthExtensions.Scheme).ConfigureAwait(false)).Failure;
        string detail;
        if (failure is not null)
        {
            ApiLog.BadCredential(logger, method, path, failure.Message);
            context.Response.Headers.WWWAuthenticate = $"{Challenge}, error=\"invalid_token\", error_description=\"the credential is not valid\"";
            detail = $"The credential sent is not valid: {failure.Message}";
        }
        else
        {
            ApiLog.NoCredential(logger, method, path);
            context.Response.Headers.WWWAuthenticate = Challenge;
            detail = $"{method} {path} needs a credential: send 'Authorization: Bearer <key>' or '{ApiKeyAuthenticationHandler.HeaderName}: <key>', or sign in on the page.";
        }

        await Write(context, StatusCodes.Status401Unauthorized, "Authentication required", detail).ConfigureAwait(false);
    }

    private static Task Write(HttpContext context, int status, string title, string detail) =>
        Problems.Problem(status, title, detail).ExecuteAsync(context);
}
