using System.Globalization;

namespace MobileX.Gateway.Limits;

/// <summary>The problem+json answers the gateway makes alone, before or instead of proxying.</summary>
internal static class GatewayProblems
{
    /// <summary>Writes a problem whose detail is formatted with the invariant culture.</summary>
    public static Task WriteAsync(HttpContext context, int status, string title, FormattableString detail) =>
        Results.Problem(statusCode: status, title: title, detail: detail.ToString(CultureInfo.InvariantCulture)).ExecuteAsync(context);
}
