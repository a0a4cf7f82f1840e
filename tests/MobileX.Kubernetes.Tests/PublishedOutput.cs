using k8s;
using k8s.Models;

namespace MobileX.Kubernetes.Tests;

/// <summary>One publish output directory, its plain manifests parsed strictly into KubernetesClient models.</summary>
public sealed class PublishedOutput
{
    /// <summary>The kinds the publisher writes into the plain form, and the model each must parse into.</summary>
    public static readonly IReadOnlyDictionary<string, Type> Kinds = new Dictionary<string, Type>
    {
        ["v1/ConfigMap"] = typeof(V1ConfigMap),
        ["v1/Secret"] = typeof(V1Secret),
        ["v1/Service"] = typeof(V1Service),
        ["v1/PersistentVolumeClaim"] = typeof(V1PersistentVolumeClaim),
        ["apps/v1/Deployment"] = typeof(V1Deployment),
        ["apps/v1/StatefulSet"] = typeof(V1StatefulSet),
        ["batch/v1/Job"] = typeof(V1Job),
        ["autoscaling/v2/HorizontalPodAutoscaler"] = typeof(V2HorizontalPodAutoscaler),
        ["networking.k8s.io/v1/Ingress"] = typeof(V1Ingress),
        ["networking.k8s.io/v1/NetworkPolicy"] = typeof(V1NetworkPolicy),
        ["policy/v1/PodDisruptionBudget"] = typeof(V1PodDisruptionBudget),
    };

    public PublishedOutput(string directory)
    {
        Directory = directory;
        ChartDirectory = Path.Combine(directory, "chart");
        ManifestsDirectory = Path.Combine(directory, "manifests");
        ManifestFiles = System.IO.Directory.GetFiles(ManifestsDirectory, "*.yaml", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f) != "kustomization.yaml")
            .Order(StringComparer.Ordinal)
            .ToList();

        foreach (var file in ManifestFiles)
        {
            foreach (var text in SplitDocuments(File.ReadAllText(file)))
            {
                var head = KubernetesYaml.Deserialize<KubernetesObject>(text);
                var key = $"{head.ApiVersion}/{head.Kind}";
                var type = Kinds.TryGetValue(key, out var known)
                    ? known
                    : throw new InvalidOperationException($"{file}: unexpected kind {key} in the plain form.");
                Objects.Add(new ParsedDocument(file, text, DeserializeStrict(text, type)));
            }
        }
    }

    public string Directory { get; }
    public string ChartDirectory { get; }
    public string ManifestsDirectory { get; }
    public IReadOnlyList<string> ManifestFiles { get; }
    public List<ParsedDocument> Objects { get; } = [];

    /// <summary>The Secrets the operator creates before applying the plain form (it carries none itself).</summary>
    public IReadOnlyList<string> RequiredSecrets =>
        File.ReadAllLines(Path.Combine(ManifestsDirectory, "required-secrets.txt")).Where(l => l.Length > 0).ToList();

    public IEnumerable<T> OfType<T>() => Objects.Select(o => o.Object).OfType<T>();

    public IEnumerable<string> AllFiles => System.IO.Directory.GetFiles(Directory, "*", SearchOption.AllDirectories);

    /// <summary>Every pod template with the labels its workload gives its pods.</summary>
    public IEnumerable<(string Kind, string Name, V1PodTemplateSpec Template)> PodTemplates =>
        OfType<V1Deployment>().Select(d => ("Deployment", d.Metadata.Name, d.Spec.Template))
            .Concat(OfType<V1StatefulSet>().Select(s => ("StatefulSet", s.Metadata.Name, s.Spec.Template)))
            .Concat(OfType<V1Job>().Select(j => ("Job", j.Metadata.Name, j.Spec.Template)));

    public static IEnumerable<string> SplitDocuments(string text) =>
        text.Split("\n---\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(d => d.StartsWith("---\n", StringComparison.Ordinal) ? d[4..] : d)
            .Where(d => !string.IsNullOrWhiteSpace(d));

    public static object DeserializeStrict(string yaml, Type type)
    {
        var method = typeof(KubernetesYaml).GetMethods()
            .Single(m => m.Name == nameof(KubernetesYaml.Deserialize) && m.IsGenericMethod
                && m.GetParameters() is [{ ParameterType: var p }, _] && p == typeof(string))
            .MakeGenericMethod(type);
        try
        {
            return method.Invoke(null, [yaml, true])!;
        }
        catch (System.Reflection.TargetInvocationException ex) when (ex.InnerException is not null)
        {
            throw ex.InnerException;
        }
    }

    public sealed record ParsedDocument(string File, string Text, object Object);
}
