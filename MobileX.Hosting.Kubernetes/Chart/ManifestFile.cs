namespace MobileX.Hosting.Kubernetes.Chart;

/// <summary>
/// One file of the output: documents under <c>templates/&lt;Component&gt;/</c> and <c>manifests/&lt;Component&gt;/</c>,
/// built once per rendering so the chart and the plain form come from the same code.
/// </summary>
/// <param name="Build">The documents (KubernetesClient models, or plain objects for custom resources).</param>
public sealed record ManifestFile(string Component, string FileName, Func<HelmScope, IEnumerable<object>> Build)
{
    /// <summary>Template lines before the documents (variables), chart only.</summary>
    public string? HelmPrefix { get; init; }

    /// <summary>When set, the chart renders <see cref="Build"/> only if this holds.</summary>
    public string? HelmCondition { get; init; }

    /// <summary>The chart's else branch of <see cref="HelmCondition"/>; when set, the plain form is this branch.</summary>
    public Func<HelmScope, IEnumerable<object>>? Otherwise { get; init; }

    /// <summary>The plain form's documents when they are not <see cref="Otherwise"/> (a condition whose default is true).</summary>
    public Func<HelmScope, IEnumerable<object>>? Plain { get; init; }

    /// <summary>When set, the chart renders the file (both branches of <see cref="HelmCondition"/>) only if this holds.</summary>
    public string? EnabledWhen { get; init; }

    /// <summary>False for optional parts (KEDA) that only the chart offers.</summary>
    public bool InPlain { get; init; } = true;

    public string RelativePath => $"{Component}/{FileName}";

    public string PlainText(HelmValues values) => ChartText.Plain((Plain ?? Otherwise ?? Build)(HelmScope.Plain(values)));

    public string TemplateText(HelmValues values)
    {
        var text = Render(Build, values);
        if (HelmCondition is not null)
        {
            text = Otherwise is null
                ? $"{{{{- if {HelmCondition} }}}}\n{text}{{{{- end }}}}\n"
                : $"{{{{- if {HelmCondition} }}}}\n{text}{{{{- else }}}}\n{Render(Otherwise, values)}{{{{- end }}}}\n";
        }

        if (EnabledWhen is not null)
        {
            text = $"{{{{- if {EnabledWhen} }}}}\n{text}{{{{- end }}}}\n";
        }

        return HelmPrefix is null ? text : HelmPrefix + "\n" + text;
    }

    private static string Render(Func<HelmScope, IEnumerable<object>> build, HelmValues values)
    {
        var scope = HelmScope.Chart(values);
        return ChartText.Template(build(scope).ToList(), scope);
    }
}
