using k8s;

namespace MobileX.Hosting.Kubernetes.Chart;

/// <summary>Writes <c>chart/</c> (Chart.yaml, values.yaml, templates) and <c>manifests/</c> (with a kustomization).</summary>
public static class ChartWriter
{
    public const string ChartDirectory = "chart";
    public const string ManifestsDirectory = "manifests";

    public static async Task WriteAsync(
        string outputDirectory, KubernetesEnvironmentResource environment, IReadOnlyList<ManifestFile> files, HelmValues values, IReadOnlyList<string> requiredSecrets, CancellationToken cancellationToken)
    {
        var chart = Path.Combine(outputDirectory, ChartDirectory);
        var manifests = Path.Combine(outputDirectory, ManifestsDirectory);
        foreach (var directory in new[] { chart, manifests })
        {
            // A stale file from an earlier publish (a removed service) must not be deployed again.
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }

            Directory.CreateDirectory(directory);
        }

        // Templates first: rendering them fills values.yaml.
        var resources = new List<string>();
        foreach (var file in files.OrderBy(f => f.RelativePath, StringComparer.Ordinal))
        {
            await WriteAsync(Path.Combine(chart, "templates", file.Component, file.FileName), file.TemplateText(values), cancellationToken).ConfigureAwait(false);
            if (file.InPlain)
            {
                await WriteAsync(Path.Combine(manifests, file.Component, file.FileName), file.PlainText(values), cancellationToken).ConfigureAwait(false);
                resources.Add(file.RelativePath);
            }
        }

        var chartYaml = new Dictionary<string, string>
        {
            ["apiVersion"] = "v2",
            ["name"] = environment.ChartName,
            ["description"] = environment.ChartDescription,
            ["type"] = "application",
            ["version"] = environment.ChartVersion,
            ["appVersion"] = environment.ImageTag,
        };
        await WriteAsync(Path.Combine(chart, "Chart.yaml"), KubernetesYaml.Serialize(chartYaml), cancellationToken).ConfigureAwait(false);
        await WriteAsync(Path.Combine(chart, "values.yaml"), KubernetesYaml.Serialize(values.Root), cancellationToken).ConfigureAwait(false);

        var kustomization = new Dictionary<string, object>
        {
            ["apiVersion"] = "kustomize.config.k8s.io/v1beta1",
            ["kind"] = "Kustomization",
            ["resources"] = resources,
        };
        await WriteAsync(Path.Combine(manifests, "kustomization.yaml"), KubernetesYaml.Serialize(kustomization), cancellationToken).ConfigureAwait(false);

        // The plain form holds no secret value: the operator creates these Secrets (key "value") before applying it.
        await WriteAsync(Path.Combine(manifests, Workloads.SecretManifests.RequiredFileName),
            string.Concat(requiredSecrets.Select(s => s + "\n")), cancellationToken).ConfigureAwait(false);
    }

    private static async Task WriteAsync(string path, string text, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, text, cancellationToken).ConfigureAwait(false);
    }
}
