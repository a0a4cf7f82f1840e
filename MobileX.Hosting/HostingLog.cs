using Microsoft.Extensions.Logging;
using MobileX.Hosting.Infrastructure;

namespace MobileX.Hosting;

/// <summary>What the hosting integrations tell the developer running the AppHost (EventIds 6100-6199, docs/operations.md).</summary>
internal static partial class HostingLog
{
    /// <summary>The category the integrations' messages appear under, beside the AppHost's own.</summary>
    public const string Category = "MobileX.Hosting";

    [LoggerMessage(EventId = 6101, Level = LogLevel.Information, Message = "Infrastructure mode {Mode}: {Reason}")]
    public static partial void ModeChosen(ILogger logger, InfrastructureMode mode, string reason);

    [LoggerMessage(EventId = 6102, Level = LogLevel.Warning,
        Message = "S3 server {Name} is s3rver: it accepts only its own key and enforces no access policy, so every station, service and model uses the root key in this run (on MinIO each has its own user; docs/operations.md)")]
    public static partial void S3EnforcesNothing(ILogger logger, string name);
}
