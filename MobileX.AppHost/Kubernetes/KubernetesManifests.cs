namespace MobileX.AppHost.Kubernetes;

/// <summary>One file of the output: documents under <c>templates/&lt;Component&gt;/</c> and <c>manifests/&lt;Component&gt;/</c>.</summary>
/// <param name="HelmPrefix">Template lines before the documents (variables), chart only.</param>
/// <param name="HelmCondition">When set, the whole file renders only if this holds.</param>
/// <param name="InPlain">False for optional parts (KEDA) that only the chart offers.</param>
public sealed record ManifestFile(
    string Component,
    string FileName,
    IReadOnlyList<YMap> Documents,
    string? HelmPrefix = null,
    string? HelmCondition = null,
    bool InPlain = true)
{
    public string RelativePath => $"{Component}/{FileName}";
}

/// <summary>Shared shapes of Kubernetes objects: metadata, labels, selectors.</summary>
public static class KubernetesObjects
{
    public const string NameLabel = "app.kubernetes.io/name";
    public const string ComponentLabel = "app.kubernetes.io/component";
    public const string InstanceLabel = "app.kubernetes.io/instance";
    public const string PartOfLabel = "app.kubernetes.io/part-of";

    public static YMap Document(string apiVersion, string kind, YMap metadata) =>
        new YMap().Add("apiVersion", apiVersion).Add("kind", kind).Add("metadata", metadata);

    public static YMap Metadata(string name, string chart, string component) =>
        new YMap().Add("name", name).Add("labels", Labels(chart, component));

    public static YMap Labels(string chart, string component) => new YMap()
        .Add(NameLabel, chart)
        .Add(ComponentLabel, component)
        .Add(InstanceLabel, new YTemplate("{{ .Release.Name | quote }}", new YScalar(chart)))
        .Add(PartOfLabel, chart);

    /// <summary>Selector labels: stable across releases of the same chart, so they never change on upgrade.</summary>
    public static YMap Selector(string chart, string component) => new YMap()
        .Add(NameLabel, chart)
        .Add(ComponentLabel, component);
}
