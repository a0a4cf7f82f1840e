using k8s.Models;
using MobileX.Hosting.Kubernetes.Chart;

namespace MobileX.Hosting.Kubernetes.Workloads;

/// <summary>Names and labels every object of one chart shares.</summary>
public sealed class ObjectMetadata(string chart)
{
    public const string NameLabel = "app.kubernetes.io/name";
    public const string ComponentLabel = "app.kubernetes.io/component";
    public const string InstanceLabel = "app.kubernetes.io/instance";
    public const string PartOfLabel = "app.kubernetes.io/part-of";

    public string Chart { get; } = chart;

    public V1ObjectMeta For(HelmScope scope, string name, string component) => new() { Name = name, Labels = Labels(scope, component) };

    public Dictionary<string, string> Labels(HelmScope scope, string component) => new()
    {
        [NameLabel] = Chart,
        [ComponentLabel] = component,
        [InstanceLabel] = scope.Expression("{{ .Release.Name | quote }}", Chart),
        [PartOfLabel] = Chart,
    };

    /// <summary>Selector labels: stable across releases of the same chart, so they never change on upgrade.</summary>
    public Dictionary<string, string> Selector(string component) => new()
    {
        [NameLabel] = Chart,
        [ComponentLabel] = component,
    };
}
