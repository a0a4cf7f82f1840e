using Microsoft.Extensions.Logging;

namespace MobileX.AppHost;

/// <summary>What the AppHost itself tells the developer running it (EventIds 6001-6099, docs/operations.md).</summary>
internal static partial class AppHostLog
{
    /// <summary>The category the AppHost's own messages appear under.</summary>
    public const string Category = "MobileX.AppHost";

    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "MobileX is ready at {Url} (gateway; API reference at /api/reference)")]
    public static partial void GatewayReady(ILogger logger, string url);
}
