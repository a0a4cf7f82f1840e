using Microsoft.Extensions.Logging;
using MobileX.Hosting.Kubernetes.Model;

namespace MobileX.Hosting.Kubernetes;

internal static partial class KubernetesLog
{
    [LoggerMessage(EventId = 6201, Level = LogLevel.Debug, Message = "Kubernetes: {Resource} is a {Kind} with {Replicas} replica(s)")]
    public static partial void WorkloadWritten(ILogger logger, string resource, WorkloadKind kind, int replicas);

    [LoggerMessage(EventId = 6202, Level = LogLevel.Warning, Message = "Kubernetes: {Resource} variable {Variable} is left out: it refers to an endpoint the cluster does not serve (TLS ends at the Ingress)")]
    public static partial void EnvironmentSkipped(ILogger logger, string resource, string variable);

    [LoggerMessage(EventId = 6203, Level = LogLevel.Information, Message = "Kubernetes: wrote {Workloads} workloads in {Files} files to {OutputDirectory} (chart/ and manifests/)")]
    public static partial void Published(ILogger logger, int workloads, int files, string outputDirectory);
}
