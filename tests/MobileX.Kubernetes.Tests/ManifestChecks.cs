using System.Text.RegularExpressions;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using k8s.Models;
using MobileX.Hosting.Kubernetes;
using MobileX.Hosting.Kubernetes.Model;
using MobileX.Testing;
using YamlDotNet.RepresentationModel;

namespace MobileX.Kubernetes.Tests;

/// <summary>The checks every publish output must pass, whatever app model produced it.</summary>
public static partial class ManifestChecks
{
    /// <summary>npm kubernetes-models: required fields, types and formats (the strict parse catches unknown fields).</summary>
    public static async Task SchemaValidatesAsync(PublishedOutput output, CancellationToken cancellationToken)
    {
        var script = Path.Combine(RepositoryPaths.Root, "tools", "k8s-validate", "validate.mjs");
        Assert.True(File.Exists(Path.Combine(RepositoryPaths.Root, "tools", "k8s-validate", "node_modules", "kubernetes-models", "package.json")),
            "kubernetes-models is not installed in tools/k8s-validate; run ./mobilex.sh setup.");
        var result = await ProcessRunner.RunAsync("node", [script, .. output.ManifestFiles], RepositoryPaths.Root, TimeSpan.FromMinutes(2), cancellationToken);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"validated {output.Objects.Count} document(s), 0 failure(s)", result.StandardOutput, StringComparison.Ordinal);
    }

    /// <summary><c>kubectl kustomize</c> builds the plain form into exactly the documents the files hold.</summary>
    public static async Task KustomizeBuildsAsync(PublishedOutput output, CancellationToken cancellationToken)
    {
        var result = await ProcessRunner.RunAsync("kubectl", ["kustomize", output.ManifestsDirectory], RepositoryPaths.Root, TimeSpan.FromMinutes(2), cancellationToken);
        Assert.True(result.ExitCode == 0, result.ToString());
        var built = PublishedOutput.SplitDocuments(result.StandardOutput).ToList();
        Assert.Equal(output.Objects.Count, built.Count);
    }

    public static void ReferencesResolve(PublishedOutput output)
    {
        var pods = output.PodTemplates.ToList();
        Assert.NotEmpty(pods);

        foreach (var service in output.OfType<V1Service>())
        {
            Assert.True(service.Spec.Type is null or "ClusterIP", $"Service {service.Metadata.Name} is {service.Spec.Type}; only the Ingress exposes anything.");
            var selected = pods.Where(p => service.Spec.Selector.All(s => p.Template.Metadata.Labels.TryGetValue(s.Key, out var v) && v == s.Value)).ToList();
            Assert.True(service.Spec.Selector.Count > 0 && selected.Count > 0, $"Service {service.Metadata.Name} selects no Deployment or StatefulSet pods.");
            foreach (var port in service.Spec.Ports)
            {
                var target = port.TargetPort?.Value ?? port.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
                Assert.True(selected.All(p => p.Template.Spec.Containers.Any(c => c.Ports?.Any(cp => cp.Name == target || cp.ContainerPort.ToString(System.Globalization.CultureInfo.InvariantCulture) == target) == true))
                        || service.Spec.ClusterIP == "None",
                    $"Service {service.Metadata.Name} port {port.Name} targets {target}, which its pods do not serve.");
            }
        }

        var secrets = output.OfType<V1Secret>().ToDictionary(s => s.Metadata.Name);
        var configMaps = output.OfType<V1ConfigMap>().ToDictionary(c => c.Metadata.Name);
        var services = output.OfType<V1Service>().Select(s => s.Metadata.Name).ToHashSet();
        foreach (var (kind, name, template) in pods)
        {
            foreach (var container in template.Spec.Containers)
            {
                var where = $"{kind} {name} container {container.Name}";
                foreach (var source in container.EnvFrom ?? [])
                {
                    if (source.ConfigMapRef is { } map)
                    {
                        Assert.True(configMaps.ContainsKey(map.Name), $"{where} reads ConfigMap {map.Name}, which does not exist.");
                    }

                    if (source.SecretRef is { } secret)
                    {
                        Assert.True(secrets.ContainsKey(secret.Name), $"{where} reads Secret {secret.Name}, which does not exist.");
                    }
                }

                var defined = new HashSet<string>(container.EnvFrom?.Where(e => e.ConfigMapRef is not null)
                    .SelectMany(e => configMaps[e.ConfigMapRef.Name].Data.Keys) ?? []);
                foreach (var variable in container.Env ?? [])
                {
                    if (variable.ValueFrom?.SecretKeyRef is { } secretRef)
                    {
                        // The plain form carries no Secret: each named one is in required-secrets.txt, key "value".
                        Assert.True(secrets.TryGetValue(secretRef.Name, out var secret)
                                && (secret.Data?.ContainsKey(secretRef.Key) == true || secret.StringData?.ContainsKey(secretRef.Key) == true)
                                || output.RequiredSecrets.Contains(secretRef.Name) && secretRef.Key == KubernetesNames.SecretKey,
                            $"{where} variable {variable.Name} reads Secret {secretRef.Name} key {secretRef.Key}, which does not exist.");
                    }

                    if (variable.ValueFrom?.ConfigMapKeyRef is { } configRef)
                    {
                        Assert.True(configMaps.TryGetValue(configRef.Name, out var map) && map.Data.ContainsKey(configRef.Key),
                            $"{where} variable {variable.Name} reads ConfigMap {configRef.Name} key {configRef.Key}, which does not exist.");
                    }

                    // $(VAR) expands only variables defined earlier in the list; a later one stays literal text.
                    foreach (Match match in VariableReference().Matches(variable.Value ?? string.Empty))
                    {
                        Assert.True(defined.Contains(match.Groups[1].Value), $"{where} variable {variable.Name} uses $({match.Groups[1].Value}) before it is defined.");
                    }

                    defined.Add(variable.Name);
                }

                foreach (var arg in container.Args ?? [])
                {
                    foreach (Match match in VariableReference().Matches(arg))
                    {
                        Assert.True(defined.Contains(match.Groups[1].Value), $"{where} argument {arg} uses an undefined variable.");
                    }
                }

                var ports = (container.Ports ?? []).ToList();
                foreach (var probe in new[] { container.ReadinessProbe, container.LivenessProbe }.Where(p => p is not null))
                {
                    var port = probe.HttpGet?.Port.Value ?? probe.TcpSocket?.Port.Value;
                    Assert.True(port is not null && ports.Any(p => p.Name == port || p.ContainerPort.ToString(System.Globalization.CultureInfo.InvariantCulture) == port),
                        $"{where} probes port {port}, which the container does not declare.");
                }

                var volumes = (template.Spec.Volumes ?? []).Select(v => v.Name)
                    .Concat(output.OfType<V1StatefulSet>().Where(s => s.Metadata.Name == name).SelectMany(s => s.Spec.VolumeClaimTemplates ?? []).Select(c => c.Metadata.Name))
                    .ToHashSet();
                foreach (var mount in container.VolumeMounts ?? [])
                {
                    Assert.True(volumes.Contains(mount.Name), $"{where} mounts {mount.Name}, which is neither a volume nor a claim.");
                }
            }
        }

        foreach (var statefulSet in output.OfType<V1StatefulSet>())
        {
            Assert.True(output.OfType<V1Service>().Any(s => s.Metadata.Name == statefulSet.Spec.ServiceName && s.Spec.ClusterIP == "None"),
                $"StatefulSet {statefulSet.Metadata.Name} names headless Service {statefulSet.Spec.ServiceName}, which does not exist.");
        }

        foreach (var hpa in output.OfType<V2HorizontalPodAutoscaler>())
        {
            var target = hpa.Spec.ScaleTargetRef;
            Assert.True(pods.Any(p => p.Kind == target.Kind && p.Name == target.Name), $"HorizontalPodAutoscaler {hpa.Metadata.Name} targets {target.Kind} {target.Name}, which does not exist.");
        }

        foreach (var ingress in output.OfType<V1Ingress>())
        {
            foreach (var path in ingress.Spec.Rules.SelectMany(r => r.Http.Paths))
            {
                Assert.Contains(path.Backend.Service.Name, services);
            }
        }
    }

    /// <summary>Every container: requests and limits, non-root, no privilege escalation, dropped capabilities.</summary>
    public static void ContainersAreHardened(PublishedOutput output)
    {
        foreach (var (kind, name, template) in output.PodTemplates)
        {
            Assert.True(template.Spec.SecurityContext?.RunAsNonRoot == true, $"{kind} {name}: the pod must run as non-root.");
            foreach (var container in template.Spec.Containers)
            {
                var where = $"{kind} {name} container {container.Name}";
                Assert.True(container.Resources?.Requests?.ContainsKey("cpu") == true && container.Resources.Requests.ContainsKey("memory"), $"{where}: no requests.");
                Assert.True(container.Resources?.Limits?.ContainsKey("cpu") == true && container.Resources.Limits.ContainsKey("memory"), $"{where}: no limits.");
                Assert.True(container.SecurityContext?.RunAsNonRoot == true, $"{where}: runAsNonRoot.");
                Assert.True(container.SecurityContext?.AllowPrivilegeEscalation == false, $"{where}: allowPrivilegeEscalation.");
                Assert.Contains("ALL", container.SecurityContext?.Capabilities?.Drop ?? []);
                if (kind == "Job")
                {
                    // A step that runs to completion has nothing to probe: it retries on failure, within a limit.
                    Assert.True(template.Spec.RestartPolicy is "OnFailure" or "Never", $"{where}: a Job's pod must not restart for ever.");
                    continue;
                }

                Assert.NotNull(container.ReadinessProbe);
                Assert.NotNull(container.LivenessProbe);
            }
        }
    }

    /// <summary>No output file holds any of <paramref name="secretValues"/>, in clear or base64.</summary>
    public static void NoSecretLeaks(PublishedOutput output, IEnumerable<string> secretValues)
    {
        var values = secretValues.Where(v => v.Length >= 8).ToList();
        Assert.NotEmpty(values);
        foreach (var file in output.AllFiles)
        {
            var text = File.ReadAllText(file);
            foreach (var value in values)
            {
                Assert.False(text.Contains(value, StringComparison.Ordinal), $"{file} contains a secret value from the local run.");
                Assert.False(text.Contains(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(value)), StringComparison.Ordinal), $"{file} contains a secret value (base64) from the local run.");
            }
        }
    }

    /// <summary>Each project is a Deployment with the model's replicas and exactly the model's environment names.</summary>
    public static async Task MatchesModelAsync(PublishedOutput output, DistributedApplicationModel model, DistributedApplicationExecutionContext executionContext, CancellationToken cancellationToken)
    {
        var projects = model.Resources.OfType<ProjectResource>().ToList();
        var containers = model.Resources.OfType<ContainerResource>().Where(c => c.TryGetLastAnnotation<ContainerImageAnnotation>(out _)).ToList();
        Assert.Equal(
            projects.Select(p => KubernetesNames.Object(p.Name)).Order(StringComparer.Ordinal),
            output.OfType<V1Deployment>().Select(d => d.Metadata.Name).Where(n => projects.Any(p => KubernetesNames.Object(p.Name) == n)).Order(StringComparer.Ordinal));
        Assert.Equal(
            containers.Where(c => c is IResourceWithConnectionString).Select(c => KubernetesNames.Object(c.Name)).Order(StringComparer.Ordinal),
            output.OfType<V1StatefulSet>().Select(s => s.Metadata.Name).Order(StringComparer.Ordinal));

        var configMaps = output.OfType<V1ConfigMap>().ToDictionary(c => c.Metadata.Name);
        foreach (var resource in projects.Cast<IResource>().Concat(containers))
        {
            var name = KubernetesNames.Object(resource.Name);
            var template = output.PodTemplates.Single(p => p.Name == name).Template;
            if (resource.TryGetLastAnnotation<KubernetesWorkloadAnnotation>(out var options) && options.Job is not null)
            {
                var job = Assert.Single(output.OfType<V1Job>(), j => j.Metadata.Name == name);
                Assert.Equal(options.Job.BackoffLimit, job.Spec.BackoffLimit);
            }

            if (resource is ProjectResource)
            {
                var deployment = output.OfType<V1Deployment>().Single(d => d.Metadata.Name == name);
                var replicas = resource.TryGetLastAnnotation<ReplicaAnnotation>(out var annotation) ? annotation.Replicas : 1;
                Assert.Equal(replicas, deployment.Spec.Replicas);
            }

            var expected = new Dictionary<string, object>();
            if (resource.TryGetAnnotationsOfType<EnvironmentCallbackAnnotation>(out var callbacks))
            {
                var context = new EnvironmentCallbackContext(executionContext, resource, expected, cancellationToken);
                foreach (var callback in callbacks)
                {
                    await callback.Callback(context);
                }
            }

            // TLS ends at the Ingress: variables pointing at a project's https endpoint are left out, as logged.
            foreach (var key in expected.Where(e => PointsAtProjectHttps(e.Value)).Select(e => e.Key).ToList())
            {
                expected.Remove(key);
            }

            var container = template.Spec.Containers.Single();
            var actual = (container.Env ?? []).Select(e => e.Name)
                .Concat(container.EnvFrom?.SelectMany(e => configMaps[e.ConfigMapRef.Name].Data.Keys) ?? [])
                .Where(n => !n.StartsWith("MOBILEX_SECRET_", StringComparison.Ordinal) && n is not "POD_NAME" and not "Streams__Replicas")
                .ToHashSet();
            if (resource is ProjectResource)
            {
                // Projects listen on the port Kubernetes routes to, whatever the model set for a local run.
                expected.TryAdd("HTTP_PORTS", "8080");
            }

            Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Order(StringComparer.Ordinal));
        }
    }

    private static bool PointsAtProjectHttps(object? value) => value switch
    {
        EndpointReference endpoint => endpoint.Resource is ProjectResource && endpoint.Scheme == "https",
        EndpointReferenceExpression expression => PointsAtProjectHttps(expression.Endpoint),
        ReferenceExpression expression => expression.ValueProviders.Any(PointsAtProjectHttps),
        _ => false,
    };

    /// <summary>The chart has its parts, and every <c>.Values</c> path a template uses exists in values.yaml.</summary>
    public static void ChartIsComplete(PublishedOutput output)
    {
        var chart = LoadYaml(Path.Combine(output.ChartDirectory, "Chart.yaml"));
        Assert.Equal("v2", ((YamlScalarNode)chart.Children["apiVersion"]).Value);
        Assert.Equal("0.1.0", ((YamlScalarNode)chart.Children["version"]).Value);

        var values = LoadYaml(Path.Combine(output.ChartDirectory, "values.yaml"));
        foreach (var top in new[] { "images", "resources", "secrets" })
        {
            Assert.True(values.Children.ContainsKey(top), $"values.yaml has no {top}.");
        }

        var templates = Path.Combine(output.ChartDirectory, "templates");
        foreach (var file in output.ManifestFiles)
        {
            var relative = Path.GetRelativePath(output.ManifestsDirectory, file);
            Assert.True(File.Exists(Path.Combine(templates, relative)), $"{relative} has no template in the chart.");
        }

        foreach (var template in Directory.GetFiles(templates, "*.yaml", SearchOption.AllDirectories))
        {
            foreach (Match match in ValuesPath().Matches(File.ReadAllText(template)))
            {
                YamlNode node = values;
                foreach (var key in match.Groups[1].Value.Split('.'))
                {
                    Assert.True(node is YamlMappingNode map && map.Children.TryGetValue(key, out node!),
                        $"{Path.GetFileName(Path.GetDirectoryName(template))}/{Path.GetFileName(template)} uses .Values.{match.Groups[1].Value}, which values.yaml lacks.");
                }
            }

            foreach (Match match in IndexedConfig().Matches(File.ReadAllText(template)))
            {
                var config = (YamlMappingNode)((YamlMappingNode)values.Children["config"]).Children[match.Groups[1].Value];
                Assert.True(config.Children.ContainsKey(match.Groups[2].Value), $"values.yaml config.{match.Groups[1].Value} lacks {match.Groups[2].Value}.");
            }
        }
    }

    public static YamlMappingNode LoadYaml(string path)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(path);
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    [GeneratedRegex(@"\$\(([A-Za-z_][A-Za-z0-9_]*)\)")]
    private static partial Regex VariableReference();

    [GeneratedRegex(@"\.Values\.([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)")]
    private static partial Regex ValuesPath();

    [GeneratedRegex(@"index \.Values\.config ""([^""]+)"" ""([^""]+)""")]
    private static partial Regex IndexedConfig();
}
