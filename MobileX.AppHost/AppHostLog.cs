using Microsoft.Extensions.Logging;
using MobileX.AppHost.Infrastructure;

namespace MobileX.AppHost;

/// <summary>What the AppHost itself tells the developer running it (EventIds 1-99; Kubernetes publishing uses 6xx).</summary>
internal static partial class AppHostLog
{
    /// <summary>The category the AppHost's own messages appear under.</summary>
    public const string Category = "MobileX.AppHost";

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Infrastructure mode {Mode}: {Reason}")]
    public static partial void ModeChosen(ILogger logger, InfrastructureMode mode, string reason);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "MobileX is ready at {Url} (gateway; API reference at /api/reference)")]
    public static partial void GatewayReady(ILogger logger, string url);
}
