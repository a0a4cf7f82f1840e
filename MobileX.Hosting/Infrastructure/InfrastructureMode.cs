namespace MobileX.Hosting.Infrastructure;

/// <summary>How the AppHost runs NATS and the S3 store.</summary>
public enum InfrastructureMode
{
    /// <summary>Official <c>nats</c> and <c>minio/minio</c> images on a container runtime.</summary>
    Containers,

    /// <summary>Local processes: <c>nats-server</c>, and <c>minio</c> or s3rver, on loopback. No container resources at all.</summary>
    Local,
}

/// <summary>The mode in force and why it was chosen; shown in the AppHost log and on the dashboard.</summary>
public sealed record InfrastructureChoice(InfrastructureMode Mode, string Reason);
