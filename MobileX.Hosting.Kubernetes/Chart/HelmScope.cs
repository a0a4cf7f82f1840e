using System.Globalization;
using k8s.Models;

namespace MobileX.Hosting.Kubernetes.Chart;

/// <summary>
/// One rendering of the output: the plain form (every value its default) or the Helm chart. Builders ask the scope
/// for each templated value; the plain scope answers the default, the chart scope a placeholder that
/// <see cref="ChartText"/> turns into the Helm action after KubernetesClient has serialized the typed object.
/// So the typed models stay the only description of a workload, and the chart is a thin layer of substitutions.
/// </summary>
public sealed class HelmScope
{
    // Placeholders that survive YAML serialization as whole plain scalars of every field type: a word for strings
    // and keys, and a number (also a valid resource quantity) for integer and quantity fields.
    internal const string TextPrefix = "HELMVALUE";
    internal const string KeyPrefix = "HELMIFKEY";
    internal const long NumberBase = 1_900_000_000;

    private readonly List<string> _actions = [];
    private readonly List<(string Condition, string Key)> _conditionalKeys = [];

    private HelmScope(bool isChart, HelmValues values)
    {
        IsChart = isChart;
        Values = values;
    }

    public static HelmScope Plain(HelmValues values) => new(isChart: false, values);

    public static HelmScope Chart(HelmValues values) => new(isChart: true, values);

    public bool IsChart { get; }

    public HelmValues Values { get; }

    /// <summary>A string from values.yaml: <c>{{ .Values.path | quote }}</c>, or <paramref name="plain"/>.</summary>
    public string Text(string valuesPath, string plain)
    {
        Values.Set(valuesPath, plain);
        return Expression($"{{{{ .Values.{valuesPath} | quote }}}}", plain);
    }

    /// <summary>A number from values.yaml: <c>{{ .Values.path }}</c>, or <paramref name="plain"/>.</summary>
    public int Number(string valuesPath, int plain)
    {
        Values.Set(valuesPath, plain);
        return NumberExpression($"{{{{ .Values.{valuesPath} }}}}", plain);
    }

    /// <summary>A resource quantity from values.yaml, such as <c>100m</c> or <c>8Gi</c>.</summary>
    public ResourceQuantity Quantity(string valuesPath, string plain)
    {
        Values.Set(valuesPath, plain);
        return IsChart
            ? new ResourceQuantity(Placeholder($"{{{{ .Values.{valuesPath} | quote }}}}").ToString(CultureInfo.InvariantCulture))
            : new ResourceQuantity(plain);
    }

    /// <summary>A string field written in the chart as <paramref name="helm"/>, raw YAML scalar text with Helm actions.</summary>
    public string Expression(string helm, string plain) =>
        IsChart ? TextPrefix + Placeholder(helm).ToString(CultureInfo.InvariantCulture) : plain;

    /// <summary>An integer field written in the chart as <paramref name="helm"/>.</summary>
    public int NumberExpression(string helm, int plain) => IsChart ? checked((int)Placeholder(helm)) : plain;

    /// <summary>
    /// A map key whose entry the chart keeps only when <paramref name="condition"/> holds; the plain form leaves the
    /// entry out, so callers add it to plain maps only when the default values include it.
    /// </summary>
    public string ConditionalKey(string condition, string key)
    {
        _conditionalKeys.Add((condition, key));
        return KeyPrefix + (_conditionalKeys.Count - 1).ToString(CultureInfo.InvariantCulture);
    }

    internal int ActionCount => _actions.Count;

    internal string Action(int index) => _actions[index];

    internal (string Condition, string Key) ConditionalEntry(int index) => _conditionalKeys[index];

    private long Placeholder(string helm)
    {
        _actions.Add(helm);
        return NumberBase + _actions.Count - 1;
    }
}
