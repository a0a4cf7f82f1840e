using System.Globalization;

namespace MobileX.Cli.Output;

internal static class Times
{
    /// <summary>A time for messages, in UTC, to the millisecond only when it has one: <c>2026-12-01T00:00:00Z</c>.</summary>
    public static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString(
        time.UtcDateTime.Millisecond == 0 ? "yyyy-MM-ddTHH:mm:ssZ" : "yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
}
