using System.Text.Json.Nodes;
using MobileX.Inference.Backends.ComfyUI;

namespace MobileX.Inference.Tests;

public sealed class WorkflowTemplateTests
{
    private static readonly WorkflowTemplate Shipped = WorkflowTemplate.Load(WorkflowTemplate.Resolve("Workflows/comfyui-img2img.json"));

    private static JsonObject Fill(string prompt) => Shipped.Fill(new Dictionary<string, JsonNode>
    {
        ["image"] = JsonValue.Create("in.png"),
        ["prompt"] = JsonValue.Create(prompt),
        ["negative_prompt"] = JsonValue.Create(""),
        ["seed"] = JsonValue.Create(5L),
        ["denoise"] = JsonValue.Create(0.5),
        ["width"] = JsonValue.Create(512),
        ["height"] = JsonValue.Create(640),
        ["steps"] = JsonValue.Create(20),
        ["cfg"] = JsonValue.Create(6.5),
        ["checkpoint"] = JsonValue.Create("m.safetensors"),
    });

    [Fact]
    public void Whole_placeholders_keep_their_json_type_and_none_is_left()
    {
        var graph = Fill("Hero");

        Assert.Equal(System.Text.Json.JsonValueKind.Number, graph["3"]!["inputs"]!["seed"]!.GetValueKind());
        Assert.Equal(640, graph["11"]!["inputs"]!["height"]!.GetValue<int>());
        Assert.Equal(["4", 0], graph["3"]!["inputs"]!["model"]!.AsArray().Select(n => n!.ToString()).Select(s => s == "0" ? (object)0 : s).ToArray());
        Assert.DoesNotContain("{{", graph.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_prompt_cannot_break_out_of_its_string_and_the_template_is_not_changed()
    {
        const string hostile = "\"}, \"99\": {\"class_type\": \"Evil\"";
        var graph = Fill(hostile);
        var again = Fill("Hero");

        Assert.Equal(hostile, graph["6"]!["inputs"]!["text"]!.GetValue<string>());
        Assert.Null(JsonNode.Parse(graph.ToJsonString())!["99"]);
        Assert.Equal("Hero", again["6"]!["inputs"]!["text"]!.GetValue<string>());
    }
}
