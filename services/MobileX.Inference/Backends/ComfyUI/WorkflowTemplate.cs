using System.Text.Json.Nodes;

namespace MobileX.Inference.Backends.ComfyUI;

/// <summary>
/// An API-format ComfyUI workflow with <c>{{name}}</c> placeholders. A string that is exactly one placeholder is
/// replaced by the value with its JSON type (numbers stay numbers); placeholders inside longer strings are
/// replaced as text. Values go through the JSON writer, so a prompt cannot break out of its string.
/// </summary>
internal sealed class WorkflowTemplate
{
    /// <summary>Placeholders every img2img template must contain, or the job could not reach the graph.</summary>
    public static IReadOnlyList<string> Required { get; } = ["image", "prompt", "seed", "denoise"];

    private readonly JsonObject _graph;

    private WorkflowTemplate(JsonObject graph) => _graph = graph;

    public static string Resolve(string path) => Path.IsPathRooted(path) ? path : Path.Combine(AppContext.BaseDirectory, path);

    public static WorkflowTemplate Load(string path)
    {
        var node = JsonNode.Parse(File.ReadAllText(path)) as JsonObject
            ?? throw new InvalidDataException("the top level must be an object of nodes keyed by id (API format).");
        var text = node.ToJsonString();
        var missing = Required.Where(p => !text.Contains("{{" + p + "}}", StringComparison.Ordinal)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidDataException($"placeholders missing: {string.Join(", ", missing.Select(m => "{{" + m + "}}"))}.");
        }

        if (!node.Any(n => n.Value?["class_type"]?.GetValue<string>() == "SaveImage"))
        {
            throw new InvalidDataException("no SaveImage node, so the workflow would produce no output image.");
        }

        return new WorkflowTemplate(node);
    }

    /// <summary>A fresh graph with the values filled in; the template itself is never changed.</summary>
    public JsonObject Fill(IReadOnlyDictionary<string, JsonNode> values)
    {
        var graph = (JsonObject)_graph.DeepClone();
        Replace(graph, values);
        return graph;
    }

    private static void Replace(JsonNode node, IReadOnlyDictionary<string, JsonNode> values)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var key in obj.Select(p => p.Key).ToList())
                {
                    if (Substitute(obj[key], values) is { } replaced)
                    {
                        obj[key] = replaced;
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (Substitute(array[i], values) is { } replaced)
                    {
                        array[i] = replaced;
                    }
                }

                break;
        }
    }

    /// <summary>A new node when <paramref name="node"/> is a placeholder string; otherwise recurses and answers null.</summary>
    private static JsonNode? Substitute(JsonNode? node, IReadOnlyDictionary<string, JsonNode> values)
    {
        if (node is JsonValue value && value.TryGetValue<string>(out var text) && text.Contains("{{", StringComparison.Ordinal))
        {
            if (text.StartsWith("{{", StringComparison.Ordinal) && text.EndsWith("}}", StringComparison.Ordinal)
                && text.IndexOf("{{", 2, StringComparison.Ordinal) < 0 && values.TryGetValue(text[2..^2], out var whole))
            {
                return whole.DeepClone();
            }

            foreach (var (name, replacement) in values)
            {
                text = text.Replace("{{" + name + "}}", replacement.ToString(), StringComparison.Ordinal);
            }

            return JsonValue.Create(text);
        }

        if (node is not null)
        {
            Replace(node, values);
        }

        return null;
    }
}
