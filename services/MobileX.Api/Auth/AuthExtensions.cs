using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;

namespace MobileX.Api.Auth;

/// <summary>Authentication (API keys, optional JWT, the page's cookie) and the read and write policies.</summary>
public static class AuthExtensions
{
    /// <summary>The default scheme: picks API key, JWT or cookie by what the request carries.</summary>
    public const string Scheme = "mobilex";
    public const string ApiKeyScheme = "api-key";
    public const string JwtScheme = JwtBearerDefaults.AuthenticationScheme;
    public const string CookieScheme = CookieAuthenticationDefaults.AuthenticationScheme;

    /// <summary>The page's session cookie; the gateway's rate limit partitions by it as well (docs/serving.md).</summary>
    public const string CookieName = "mobilex-session";

    /// <summary>Policy names; every endpoint without one of them gets <see cref="Rights.Read"/> as the fallback.</summary>
    public const string ReadPolicy = Rights.Read;
    public const string WritePolicy = Rights.Write;

    /// <summary>
    /// Registers the schemes, the policies (read is the fallback, so a new endpoint is closed unless it says otherwise),
    /// problem+json refusals, and the Data Protection key ring in NATS KV shared by the replicas.
    /// </summary>
    public static void AddApiAuthentication(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();
        builder.Services.AddSingleton<ApiKeys>();
        builder.Services.AddSingleton<IAuthorizationMiddlewareResultHandler, Refusals>();

        // The cookie is Data Protection ciphertext: every replica must hold the same keys.
        builder.Services.AddDataProtection().SetApplicationName("mobilex-api");
        builder.Services.AddSingleton<NatsXmlRepository>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<NatsXmlRepository>());
        builder.Services.AddOptions<KeyManagementOptions>().Configure<NatsXmlRepository>((o, ring) => o.XmlRepository = ring);

        var jwt = builder.Configuration.GetSection(AuthOptions.SectionName).Get<AuthOptions>()?.Jwt ?? new JwtOptions();
        var authentication = builder.Services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "API key, JWT or session cookie", o => o.ForwardDefaultSelector = context =>
            {
                if (context.Request.Headers.ContainsKey(ApiKeyAuthenticationHandler.HeaderName))
                {
                    return ApiKeyScheme;
                }

                if (ApiKeyAuthenticationHandler.Bearer(context.Request) is { } token)
                {
                    // A JWT has three dot-separated parts; a generated API key has no dot.
                    return jwt.Enabled && token.Count(c => c == '.') == 2 ? JwtScheme : ApiKeyScheme;
                }

                return CookieScheme;
            })
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyScheme, null)
            .AddCookie(CookieScheme, _ => { });
        builder.Services.AddOptions<CookieAuthenticationOptions>(CookieScheme).Configure<IOptions<AuthOptions>, ApiKeys>((o, auth, keys) =>
        {
            o.Cookie.Name = CookieName;
            o.Cookie.HttpOnly = true;
            // Strict: the page and its API share one origin, so no cross-site request ever needs the cookie; this is
            // also the CSRF defence for POST /api/avatars, which then needs no antiforgery token.
            o.Cookie.SameSite = SameSiteMode.Strict;
            // Secure whenever the request came over https (the gateway forwards the scheme it saw).
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.Cookie.Path = "/";
            o.ExpireTimeSpan = auth.Value.SessionLifetime;
            o.SlidingExpiration = true;
            o.Events.OnValidatePrincipal = context =>
            {
                // A session outlives no key change: its key must still be configured, with the same right.
                var credential = context.Principal?.FindFirst(Rights.CredentialClaimType)?.Value;
                var right = context.Principal is { } p ? Rights.Of(p) : null;
                if (credential is null || right is null || !keys.IsCurrent(credential, right))
                {
                    context.RejectPrincipal();
                }

                return Task.CompletedTask;
            };
        });

        if (jwt.Enabled)
        {
            authentication.AddJwtBearer(JwtScheme, _ => { });
            builder.Services.AddOptions<JwtBearerOptions>(JwtScheme).Configure<IOptions<AuthOptions>>((o, auth) => ConfigureJwt(o, auth.Value.Jwt));
        }

        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(ReadPolicy, p => p.RequireAuthenticatedUser().RequireClaim(Rights.ClaimType, Rights.Read))
            .AddPolicy(WritePolicy, p => p.RequireAuthenticatedUser().RequireClaim(Rights.ClaimType, Rights.Write))
            .SetFallbackPolicy(new AuthorizationPolicyBuilder(Scheme).RequireAuthenticatedUser().RequireClaim(Rights.ClaimType, Rights.Read).Build());
    }

    /// <summary>
    /// Validates tokens of <see cref="JwtOptions.Authority"/> for <see cref="JwtOptions.Audience"/>, and turns the
    /// token's roles or scopes into rights; a token with neither is authenticated but holds no right (403).
    /// </summary>
    public static void ConfigureJwt(JwtBearerOptions o, JwtOptions jwt)
    {
        o.Authority = jwt.Authority?.ToString();
        o.Audience = jwt.Audience;
        o.RequireHttpsMetadata = jwt.RequireHttpsMetadata;
        // Claim names as the token has them (roles, scope, scp), not WS-Federation URIs.
        o.MapInboundClaims = false;
        o.TokenValidationParameters.ValidateAudience = true;
        o.TokenValidationParameters.ValidateIssuer = true;
        o.TokenValidationParameters.ValidateLifetime = true;
        o.TokenValidationParameters.NameClaimType = "sub";
        o.Events = new JwtBearerEvents
        {
            OnTokenValidated = context =>
            {
                if (context.Principal is { } principal && RightOfToken(principal, jwt) is { } right)
                {
                    principal.AddIdentity(Rights.Identity(right, $"jwt:{principal.FindFirst("sub")?.Value ?? "?"}", JwtScheme));
                }

                return Task.CompletedTask;
            },
        };
    }

    /// <summary>The right a token's <c>roles</c>/<c>role</c> or space-separated <c>scope</c>/<c>scp</c> claims grant.</summary>
    public static string? RightOfToken(ClaimsPrincipal principal, JwtOptions jwt)
    {
        var granted = principal.Claims
            .Where(c => c.Type is "roles" or "role" or ClaimTypes.Role or "scope" or "scp")
            .SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .ToHashSet(StringComparer.Ordinal);
        return granted.Contains(jwt.WriteRole) ? Rights.Write : granted.Contains(jwt.ReadRole) ? Rights.Read : null;
    }
}
