using Microsoft.Extensions.Options;

namespace MobileX.Api.Auth;

/// <summary>Who may call the API, bound from <c>Api:Auth</c> (docs/serving.md#authentication).</summary>
public sealed class AuthOptions
{
    public const string SectionName = "Api:Auth";

    /// <summary>Shortest key accepted; the AppHost generates 22 characters from 62 (about 130 bits).</summary>
    public const int MinKeyLength = 16;

    /// <summary>The read-write key (AppHost parameter <c>api-key</c>): every endpoint, avatar creation included.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The read-only key (AppHost parameter <c>api-read-key</c>): every read, no write. Optional.</summary>
    public string? ReadApiKey { get; set; }

    /// <summary>How long a page's sign-in cookie stays valid; it slides while the page is in use.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>JWT bearer tokens from an OIDC authority; off unless <see cref="JwtOptions.Authority"/> is set.</summary>
    public JwtOptions Jwt { get; set; } = new();
}

/// <summary>JWT bearer tokens from an OpenID Connect authority, bound from <c>Api:Auth:Jwt</c>.</summary>
public sealed class JwtOptions
{
    /// <summary>The issuer, e.g. <c>https://login.example.com/realms/mobilex</c>; its discovery document names the signing keys.</summary>
    public Uri? Authority { get; set; }

    /// <summary>The audience a token must name (<c>aud</c>); required with <see cref="Authority"/>.</summary>
    public string? Audience { get; set; }

    /// <summary>A role (<c>roles</c>/<c>role</c> claim) or scope (<c>scope</c>/<c>scp</c>) granting reads.</summary>
    public string ReadRole { get; set; } = "mobilex.read";

    /// <summary>A role or scope granting reads and writes.</summary>
    public string WriteRole { get; set; } = "mobilex.write";

    /// <summary>Metadata over plain http only for a development authority; never in production.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    public bool Enabled => Authority is not null;
}

/// <summary>Start-up checks of <see cref="AuthOptions"/>: each failure names its setting.</summary>
internal sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrEmpty(options.ApiKey))
        {
            failures.Add($"{AuthOptions.SectionName}:ApiKey is required: the read-write API key (AppHost parameter api-key; environment Api__Auth__ApiKey).");
        }
        else if (options.ApiKey.Length < AuthOptions.MinKeyLength)
        {
            failures.Add($"{AuthOptions.SectionName}:ApiKey is {options.ApiKey.Length} characters; an API key needs at least {AuthOptions.MinKeyLength}.");
        }

        if (options.ReadApiKey is { Length: > 0 } read)
        {
            if (read.Length < AuthOptions.MinKeyLength)
            {
                failures.Add($"{AuthOptions.SectionName}:ReadApiKey is {read.Length} characters; an API key needs at least {AuthOptions.MinKeyLength}.");
            }
            else if (read == options.ApiKey)
            {
                failures.Add($"{AuthOptions.SectionName}:ReadApiKey equals {AuthOptions.SectionName}:ApiKey; a read-only key must differ from the read-write key.");
            }
        }

        if (options.SessionLifetime < TimeSpan.FromMinutes(1) || options.SessionLifetime > TimeSpan.FromDays(30))
        {
            failures.Add($"{AuthOptions.SectionName}:SessionLifetime ({options.SessionLifetime}) must be 1 minute to 30 days.");
        }

        var jwt = options.Jwt;
        if (jwt.Authority is { } authority)
        {
            if (!authority.IsAbsoluteUri || authority.Scheme is not ("https" or "http"))
            {
                failures.Add($"{AuthOptions.SectionName}:Jwt:Authority '{authority}' must be an absolute https:// URL of the OIDC issuer.");
            }
            else if (authority.Scheme == "http" && jwt.RequireHttpsMetadata)
            {
                failures.Add($"{AuthOptions.SectionName}:Jwt:Authority '{authority}' is http://; use https://, or set {AuthOptions.SectionName}:Jwt:RequireHttpsMetadata=false for a development authority.");
            }

            if (string.IsNullOrWhiteSpace(jwt.Audience))
            {
                failures.Add($"{AuthOptions.SectionName}:Jwt:Audience is required when {AuthOptions.SectionName}:Jwt:Authority is set: tokens for other audiences must not be accepted.");
            }

            if (string.IsNullOrWhiteSpace(jwt.ReadRole) || string.IsNullOrWhiteSpace(jwt.WriteRole) || jwt.ReadRole == jwt.WriteRole)
            {
                failures.Add($"{AuthOptions.SectionName}:Jwt:ReadRole and {AuthOptions.SectionName}:Jwt:WriteRole must be set and differ.");
            }
        }
        else if (!string.IsNullOrEmpty(jwt.Audience))
        {
            failures.Add($"{AuthOptions.SectionName}:Jwt:Audience is set but {AuthOptions.SectionName}:Jwt:Authority is not; set the authority to accept JWTs, or remove the audience.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
