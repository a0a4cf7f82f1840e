using Microsoft.Extensions.Logging;
using MobileX.Hosting.Kubernetes.Chart;
using MobileX.Hosting.Kubernetes.Model;
using MobileX.Hosting.Kubernetes.Workloads;

namespace MobileX.Hosting.Kubernetes;

/// <summary>
/// Writes the app model as a Helm chart (<c>chart/</c>) and as plain manifests with a kustomization
/// (<c>manifests/</c>). Both are rendered from the same typed objects, so the plain form is the chart with its
/// default values.
/// </summary>
public sealed class KubernetesPublisher(KubernetesEnvironmentResource environment, DistributedApplicationExecutionContext executionContext, ILogger logger)
{
    public async Task WriteAsync(DistributedApplicationModel model, string outputDirectory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(outputDirectory);

        var topology = new KubernetesTopology(model);
        var metadata = new ObjectMetadata(environment.ChartName);
        var values = new HelmValues();
        values.Set("images.registry", environment.ImageRegistry);
        values.Set("images.tag", environment.ImageTag);
        values.Set("images.pullPolicy", "IfNotPresent");

        var files = new List<ManifestFile>();
        var secrets = new HashSet<ParameterResource>();
        var workloads = topology.Workloads.ToList();
        var evaluated = new List<WorkloadInputs>();
        foreach (var workload in workloads)
        {
            var inputs = await WorkloadInputs.EvaluateAsync(workload, topology, executionContext, logger, cancellationToken).ConfigureAwait(false);
            evaluated.Add(inputs);
            secrets.UnionWith(inputs.Secrets);
            secrets.UnionWith(workload.Options.Cluster?.Secrets ?? []);
            files.AddRange(new WorkloadManifests(inputs, topology, environment, metadata).Files());
            KubernetesLog.WorkloadWritten(logger, workload.Resource.Name, workload.Kind, workload.Replicas);
        }

        files.AddRange(NetworkPolicyManifests.Files(evaluated, topology, metadata));
        var ordered = secrets.OrderBy(s => s.Name, StringComparer.Ordinal).ToList();
        files.AddRange(ordered.Select(s => SecretManifests.File(s, metadata)));
        await ChartWriter.WriteAsync(outputDirectory, environment, files, values, [.. ordered.Select(KubernetesNames.Secret)], cancellationToken).ConfigureAwait(false);
        KubernetesLog.Published(logger, workloads.Count, files.Count, outputDirectory);
    }
}
