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

    [LoggerMessage(EventId = 6102, Level = LogLevel.Information,
        Message = "Model {Model} reads the lake with s3rver's root key: Local mode's s3rver enforces no access policy. On MinIO the model gets the read-only user {User}")]
    public static partial void ModelReadsWithRootKey(ILogger logger, string model, string user);
}
