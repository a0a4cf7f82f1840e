using System.Globalization;
using System.Text;
using System.Text.Json;

namespace MobileX.AppHost.Kubernetes;

/// <summary>
/// A YAML tree that renders twice: as a Helm template (values referenced with <c>{{ .Values… }}</c>) and as a plain
/// manifest (the same values' defaults written in). One tree for both keeps the chart and the plain form identical
/// when the chart is installed with its default values.
/// </summary>
public abstract record YNode;

/// <summary>An ordered mapping; <see cref="YIf"/> entries add their keys only when a Helm condition holds.</summary>
public sealed record YMap(List<KeyValuePair<string, YNode>> Entries) : YNode
{
    public YMap() : this([]) { }

    public YMap Add(string key, YNode value)
    {
        Entries.Add(new(key, value));
        return this;
    }

    public YMap Add(string key, string value) => Add(key, new YScalar(value));

    public YMap Add(string key, int value) => Add(key, new YScalar(value));

    public YMap Add(string key, bool value) => Add(key, new YScalar(value));

    /// <summary>Entries of <paramref name="body"/> (a map) kept only when <paramref name="helmCondition"/> holds.</summary>
    public YMap AddIf(string helmCondition, bool plainIncluded, YMap body) => Add(string.Empty, new YIf(helmCondition, plainIncluded, body));

    public YNode? this[string key] => Entries.FirstOrDefault(e => e.Key == key).Value;
}

public sealed record YList(List<YNode> Items) : YNode
{
    public YList() : this([]) { }

    public YList Add(YNode item)
    {
        Items.Add(item);
        return this;
    }

    public YList Add(string item) => Add(new YScalar(item));
}

/// <summary>A string, number, boolean or null.</summary>
public sealed record YScalar(object? Value) : YNode;

/// <summary>A scalar written as raw Helm template text in the chart and as <see cref="Plain"/> in the plain form.</summary>
public sealed record YTemplate(string Helm, YNode Plain) : YNode;

/// <summary>A subtree taken from values.yaml (<c>toYaml .Values.path</c>); the plain form writes the default.</summary>
public sealed record YValuesBlock(string ValuesPath, YNode Plain) : YNode;

/// <summary>
/// Conditional content: map entries (body a <see cref="YMap"/>) or list items (body a <see cref="YList"/>).
/// The plain form keeps the body when <see cref="PlainIncluded"/>, the state of the default values.
/// </summary>
public sealed record YIf(string HelmCondition, bool PlainIncluded, YNode Body) : YNode;

/// <summary>Writes <see cref="YNode"/> trees as YAML text, either as a Helm template or as a plain manifest.</summary>
public static class YamlWriter
{
    public static string Write(YNode node, bool helm)
    {
        var text = new StringBuilder();
        WriteNode(text, node, 0, helm);
        return text.ToString();
    }

    // Relaxed: readable "&", "<" and "+" in URLs and connection strings; JSON escapes stay valid in YAML.
    private static readonly JsonSerializerOptions QuoteOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A double-quoted YAML scalar; JSON string escaping is valid YAML.</summary>
    public static string Quote(string value) => JsonSerializer.Serialize(value, QuoteOptions);

    private static void WriteNode(StringBuilder text, YNode node, int indent, bool helm)
    {
        switch (node)
        {
            case YMap map:
                WriteMapEntries(text, map, indent, helm);
                break;
            case YList list:
                WriteListItems(text, list, indent, helm);
                break;
            default:
                text.Append(' ', indent).Append(Scalar(node, helm)).Append('\n');
                break;
        }
    }

    private static void WriteMapEntries(StringBuilder text, YMap map, int indent, bool helm)
    {
        foreach (var (key, value) in map.Entries)
        {
            if (value is YIf conditional)
            {
                WriteConditional(text, conditional, indent, helm, body => WriteMapEntries(text, (YMap)body, indent, helm));
                continue;
            }

            var pad = new string(' ', indent);
            var effective = Effective(value, helm);
            switch (effective)
            {
                case YValuesBlock block:
                    text.Append(pad).Append(Key(key)).Append(":\n")
                        .Append(' ', indent + 2)
                        .Append(CultureInfo.InvariantCulture, $"{{{{- toYaml .Values.{block.ValuesPath} | nindent {indent + 2} }}}}\n");
                    break;
                case YMap { Entries.Count: 0 }:
                    text.Append(pad).Append(Key(key)).Append(": {}\n");
                    break;
                case YList { Items.Count: 0 }:
                    text.Append(pad).Append(Key(key)).Append(": []\n");
                    break;
                case YMap child:
                    text.Append(pad).Append(Key(key)).Append(":\n");
                    WriteMapEntries(text, child, indent + 2, helm);
                    break;
                case YList child:
                    text.Append(pad).Append(Key(key)).Append(":\n");
                    WriteListItems(text, child, indent + 2, helm);
                    break;
                default:
                    text.Append(pad).Append(Key(key)).Append(": ").Append(Scalar(effective, helm)).Append('\n');
                    break;
            }
        }
    }

    private static void WriteListItems(StringBuilder text, YList list, int indent, bool helm)
    {
        foreach (var item in list.Items)
        {
            if (item is YIf conditional)
            {
                WriteConditional(text, conditional, indent, helm, body => WriteListItems(text, (YList)body, indent, helm));
                continue;
            }

            var effective = Effective(item, helm);
            if (effective is YMap { Entries.Count: > 0 } or YList { Items.Count: > 0 })
            {
                // Write the item two columns in, then turn the first line's indentation into the "- " marker.
                var start = text.Length;
                WriteNode(text, effective, indent + 2, helm);
                text.Remove(start, indent + 2).Insert(start, new string(' ', indent) + "- ");
            }
            else
            {
                text.Append(' ', indent).Append("- ").Append(Scalar(effective, helm)).Append('\n');
            }
        }
    }

    private static void WriteConditional(StringBuilder text, YIf conditional, int indent, bool helm, Action<YNode> writeBody)
    {
        if (!helm)
        {
            if (conditional.PlainIncluded)
            {
                writeBody(conditional.Body);
            }

            return;
        }

        text.Append(' ', indent).Append("{{- if ").Append(conditional.HelmCondition).Append(" }}\n");
        writeBody(conditional.Body);
        text.Append(' ', indent).Append("{{- end }}\n");
    }

    private static YNode Effective(YNode node, bool helm) => node switch
    {
        YTemplate t when !helm => Effective(t.Plain, helm),
        YValuesBlock b when !helm => Effective(b.Plain, helm),
        _ => node,
    };

    private static string Scalar(YNode node, bool helm) => node switch
    {
        YTemplate t when helm => t.Helm,
        YTemplate t => Scalar(t.Plain, helm),
        YScalar { Value: null } => "null",
        YScalar { Value: string s } => Quote(s),
        YScalar { Value: bool b } => b ? "true" : "false",
        YScalar { Value: IFormattable f } => f.ToString(null, CultureInfo.InvariantCulture),
        YMap { Entries.Count: 0 } => "{}",
        YList { Items.Count: 0 } => "[]",
        _ => throw new InvalidOperationException($"Cannot write {node.GetType().Name} as a YAML scalar."),
    };

    private static string Key(string key) =>
        key.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or '/') && key.Length > 0 && char.IsAsciiLetter(key[0])
            ? key
            : Quote(key);
}
