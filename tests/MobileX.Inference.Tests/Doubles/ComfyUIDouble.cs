using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace MobileX.Inference.Tests.Doubles;

/// <summary>
/// ComfyUI's HTTP API as documented: <c>POST /upload/image</c> (multipart field <c>image</c>), <c>POST /prompt</c>
/// with an API-format graph (checked: every node has <c>class_type</c> and <c>inputs</c>, the LoadImage node names
/// an uploaded file, sampler inputs are numbers), <c>GET /history/{id}</c> empty until done, <c>GET /view</c>.
/// </summary>
public sealed class ComfyUIDouble : LoopbackServer
{
    public const string OutputFile = "mobilex_00001_.png";

    public enum Mode { Succeed, FailExecution, RejectPrompt, Hang }

    public Mode Behaviour { get; set; } = Mode.Succeed;

    /// <summary>How many polls of a finished prompt still answer "not yet".</summary>
    public int PendingPolls { get; set; } = 2;

    public byte[] ResultImage { get; set; } = [];

    public ConcurrentDictionary<string, byte[]> Uploads { get; } = new();

    public ConcurrentDictionary<string, JsonObject> Prompts { get; } = new();

    public int HistoryPolls;

    public int Views;

    private readonly ConcurrentDictionary<string, int> _pollsLeft = new();

    protected override void Map(WebApplication app)
    {
        app.MapPost("/upload/image", (Func<HttpContext, Task<IResult>>)UploadAsync);
        app.MapPost("/prompt", (Func<HttpContext, Task<IResult>>)PromptAsync);
        app.MapGet("/history/{id}", History);
        app.MapGet("/view", View);
    }

    private async Task<IResult> UploadAsync(HttpContext http)
    {
        if (!http.Request.HasFormContentType)
        {
            return Results.BadRequest("multipart form expected");
        }

        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var file = form.Files["image"];
        if (file is null || file.Length == 0 || string.IsNullOrEmpty(file.FileName))
        {
            return Results.BadRequest("field 'image' with a file is required");
        }

        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer, http.RequestAborted);
        Uploads[file.FileName] = buffer.ToArray();
        return Results.Json(new { name = file.FileName, subfolder = "", type = form["type"].ToString() is { Length: > 0 } t ? t : "input" });
    }

    private async Task<IResult> PromptAsync(HttpContext http)
    {
        var body = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted) as JsonObject;
        if (body?["prompt"] is not JsonObject graph || body["client_id"] is null)
        {
            return Results.Json(new { error = new { type = "no_prompt", message = "No prompt provided", details = "" }, node_errors = new { } }, statusCode: 400);
        }

        var problems = Check(graph);
        if (Behaviour == Mode.RejectPrompt)
        {
            problems.Add("Value not in list: ckpt_name: 'v1-5-pruned-emaonly.safetensors' not in []");
        }

        if (problems.Count > 0)
        {
            return Results.Json(new
            {
                error = new { type = "prompt_outputs_failed_validation", message = "Prompt outputs failed validation", details = string.Join("; ", problems) },
                node_errors = new { },
            }, statusCode: 400);
        }

        var id = Guid.NewGuid().ToString();
        Prompts[id] = graph;
        _pollsLeft[id] = PendingPolls;
        return Results.Json(new { prompt_id = id, number = Prompts.Count, node_errors = new { } });
    }

    private IResult History(string id)
    {
        Interlocked.Increment(ref HistoryPolls);
        if (!_pollsLeft.TryGetValue(id, out var left) || Behaviour == Mode.Hang)
        {
            return Results.Json(new { });
        }

        if (left > 0)
        {
            _pollsLeft[id] = left - 1;
            return Results.Json(new { });
        }

        var entry = Behaviour == Mode.FailExecution
            ? new JsonObject
            {
                ["outputs"] = new JsonObject(),
                ["status"] = new JsonObject
                {
                    ["status_str"] = "error",
                    ["completed"] = false,
                    ["messages"] = new JsonArray(
                        new JsonArray("execution_start", new JsonObject { ["prompt_id"] = id }),
                        new JsonArray("execution_error", new JsonObject
                        {
                            ["prompt_id"] = id,
                            ["node_id"] = "3",
                            ["node_type"] = "KSampler",
                            ["exception_message"] = "Allocation on device 0 would exceed allowed memory.",
                            ["exception_type"] = "torch.OutOfMemoryError",
                        })),
                },
            }
            : new JsonObject
            {
                ["outputs"] = new JsonObject
                {
                    ["9"] = new JsonObject
                    {
                        ["images"] = new JsonArray(new JsonObject { ["filename"] = OutputFile, ["subfolder"] = "", ["type"] = "output" }),
                    },
                },
                ["status"] = new JsonObject { ["status_str"] = "success", ["completed"] = true, ["messages"] = new JsonArray() },
            };
        return Results.Content(new JsonObject { [id] = entry }.ToJsonString(), "application/json");
    }

    private IResult View(string filename, string? subfolder, string type)
    {
        Interlocked.Increment(ref Views);
        return filename == OutputFile && string.IsNullOrEmpty(subfolder) && type == "output"
            ? Results.Bytes(ResultImage, "image/png")
            : Results.NotFound();
    }

    private List<string> Check(JsonObject graph)
    {
        var problems = new List<string>();
        foreach (var (id, node) in graph)
        {
            if (node?["class_type"] is null || node["inputs"] is not JsonObject)
            {
                problems.Add($"node {id}: class_type and inputs are required");
            }
        }

        var nodes = graph.Select(n => n.Value as JsonObject).Where(n => n is not null).ToList();
        var load = nodes.FirstOrDefault(n => n!["class_type"]?.ToString() == "LoadImage");
        var image = load?["inputs"]?["image"]?.ToString();
        if (image is null || !Uploads.ContainsKey(image))
        {
            problems.Add($"LoadImage: image '{image}' was not uploaded");
        }

        var sampler = nodes.FirstOrDefault(n => n!["class_type"]?.ToString() == "KSampler")?["inputs"];
        foreach (var name in (string[])["seed", "steps", "cfg", "denoise"])
        {
            if (sampler?[name] is not JsonValue v || v.GetValueKind() != System.Text.Json.JsonValueKind.Number)
            {
                problems.Add($"KSampler: {name} must be a number");
            }
        }

        if (nodes.Where(n => n!["class_type"]?.ToString() == "CLIPTextEncode").Any(n => n!["inputs"]?["text"] is not JsonValue t || t.GetValueKind() != System.Text.Json.JsonValueKind.String))
        {
            problems.Add("CLIPTextEncode: text must be a string");
        }

        if (graph.ToJsonString().Contains("{{", StringComparison.Ordinal))
        {
            problems.Add("unfilled placeholder left in the graph");
        }

        return problems;
    }
}
