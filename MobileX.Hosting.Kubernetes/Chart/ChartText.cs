using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using k8s;

namespace MobileX.Hosting.Kubernetes.Chart;

/// <summary>Writes typed objects as YAML: plainly, or as a Helm template with the chart scope's placeholders resolved.</summary>
public static partial class ChartText
{
    public static string Plain(IEnumerable<object> documents) =>
        string.Join("---\n", documents.Select(d => KubernetesYaml.Serialize(d).TrimEnd('\n') + "\n"));

    /// <summary>The documents as a Helm template: each placeholder scalar becomes its Helm action.</summary>
    /// <exception cref="InvalidOperationException">A placeholder ended up inside a longer scalar, where no action can replace it.</exception>
    public static string Template(IEnumerable<object> documents, HelmScope scope)
    {
        var text = Plain(documents);
        var lines = new StringBuilder();
        foreach (var line in text.Split('\n'))
        {
            if (ConditionalKeyLine().Match(line) is { Success: true } keyed)
            {
                var (condition, key) = scope.ConditionalEntry(int.Parse(keyed.Groups["id"].Value, CultureInfo.InvariantCulture));
                var indent = keyed.Groups["indent"].Value;
                lines.Append(indent).Append("{{- if ").Append(condition).Append(" }}\n")
                    .Append(indent).Append(key).Append(": ").Append(ResolveScalar(keyed.Groups["rest"].Value, scope)).Append('\n')
                    .Append(indent).Append("{{- end }}\n");
                continue;
            }

            lines.Append(ScalarLine().Replace(line, m => m.Groups["head"].Value + ResolveScalar(m.Groups["value"].Value, scope))).Append('\n');
        }

        var result = lines.ToString(0, lines.Length - 1);
        return result.Contains(HelmScope.TextPrefix, StringComparison.Ordinal) || result.Contains(HelmScope.KeyPrefix, StringComparison.Ordinal)
            ? throw new InvalidOperationException($"A Helm placeholder was left inside a longer value:\n{result}")
            : result;
    }

    private static string ResolveScalar(string value, HelmScope scope)
    {
        var bare = value.Trim('"', '\'');
        if (bare.StartsWith(HelmScope.TextPrefix, StringComparison.Ordinal))
        {
            bare = bare[HelmScope.TextPrefix.Length..];
        }

        return long.TryParse(bare, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            && number >= HelmScope.NumberBase
            && number - HelmScope.NumberBase < scope.ActionCount
                ? scope.Action((int)(number - HelmScope.NumberBase))
                : value;
    }

    // "key: value" or "- value" (and "- key: value") whose value is one whole scalar.
    [GeneratedRegex(@"^(?<head>\s*(?:-\s+)?(?:[^\s:][^:]*:\s+|-\s+|))(?<value>""?(?:HELMVALUE)?19\d{8}""?)$")]
    private static partial Regex ScalarLine();

    [GeneratedRegex(@"^(?<indent>\s*)HELMIFKEY(?<id>\d+): (?<rest>.*)$")]
    private static partial Regex ConditionalKeyLine();
}
