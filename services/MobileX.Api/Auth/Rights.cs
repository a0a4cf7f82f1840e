using System.Security.Claims;

namespace MobileX.Api.Auth;

/// <summary>The two rights the API grants, as claims and as the authorization policies that require them.</summary>
public static class Rights
{
    /// <summary>The claim every scheme issues: one per right held.</summary>
    public const string ClaimType = "mobilex:right";

    /// <summary>Read stations, frames, busts, avatars, lineage, lake objects, presigned URLs and coverage.</summary>
    public const string Read = "read";

    /// <summary>Create avatars and anything else that writes; implies <see cref="Read"/>.</summary>
    public const string Write = "write";

    /// <summary>Names the credential in logs and in <c>GET /api/session</c>: a short hash prefix or a JWT subject, never the secret.</summary>
    public const string CredentialClaimType = "mobilex:credential";

    /// <summary>The claims of one holder of <paramref name="right"/>; write holds read too.</summary>
    public static ClaimsIdentity Identity(string right, string credential, string scheme)
    {
        var identity = new ClaimsIdentity(scheme);
        identity.AddClaim(new Claim(ClaimType, Read));
        if (right == Write)
        {
            identity.AddClaim(new Claim(ClaimType, Write));
        }

        identity.AddClaim(new Claim(CredentialClaimType, credential));
        identity.AddClaim(new Claim(ClaimTypes.Name, credential));
        return identity;
    }

    /// <summary>The strongest right <paramref name="user"/> holds, or null.</summary>
    public static string? Of(ClaimsPrincipal user) =>
        user.HasClaim(ClaimType, Write) ? Write : user.HasClaim(ClaimType, Read) ? Read : null;
}
