using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using MobileX.Contracts;

namespace MobileX.Inference.Backends.ComfyUI;

/// <summary>
/// ComfyUI: upload the source (<c>POST /upload/image</c>), queue the workflow (<c>POST /prompt</c>), poll
/// <c>GET /history/{id}</c> until it has outputs, then fetch the image (<c>GET /view</c>).
/// </summary>
internal sealed class ComfyUIBackend : IImg2ImgBackend
{
    private readonly HttpClient _http;
    private readonly ComfyUIOptions _options;
    private readonly WorkflowTemplate _template;
    private static readonly string ClientId = "mobilex-inference-" + Guid.NewGuid().ToString("N");

    public ComfyUIBackend(HttpClient http, IOptions<InferenceOptions> options, WorkflowTemplate template)
    {
        _http = http;
        _options = options.Value.ComfyUI;
        _template = template;
    }

    public string Name => InferenceApi.Backends.ComfyUI;

    public async Task<BackendImage> GenerateAsync(Img2ImgJob job, CancellationToken cancellationToken)
    {
        var uploaded = await UploadAsync(job.Image, cancellationToken).ConfigureAwait(false);
        var prompt = $"{job.Prompt}, {Styles.PromptSuffix(job.Style)}";
        var graph = _template.Fill(new Dictionary<string, JsonNode>
        {
            ["image"] = JsonValue.Create(uploaded),
            ["prompt"] = JsonValue.Create(prompt),
            ["negative_prompt"] = JsonValue.Create(job.NegativePrompt),
            ["seed"] = JsonValue.Create(job.Seed),
            ["denoise"] = JsonValue.Create(job.Strength),
            ["width"] = JsonValue.Create(job.Width),
            ["height"] = JsonValue.Create(job.Height),
            ["steps"] = JsonValue.Create(_options.Steps),
            ["cfg"] = JsonValue.Create(_options.CfgScale),
            ["checkpoint"] = JsonValue.Create(_options.Checkpoint),
        });

        var promptId = await QueueAsync(graph, cancellationToken).ConfigureAwait(false);
        var output = await WaitForOutputAsync(promptId, cancellationToken).ConfigureAwait(false);
        var bytes = await ViewAsync(output, cancellationToken).ConfigureAwait(false);

        var parameters = new Dictionary<string, string>
        {
            ["prompt_id"] = promptId,
            ["checkpoint"] = _options.Checkpoint,
            ["steps"] = _options.Steps.ToString(CultureInfo.InvariantCulture),
            ["cfg"] = _options.CfgScale.ToString(CultureInfo.InvariantCulture),
            ["denoise"] = job.Strength.ToString(CultureInfo.InvariantCulture),
            ["workflow"] = Path.GetFileName(_options.WorkflowPath),
            ["prompt"] = prompt,
        };
        return BackendImage.FromBytes(bytes, ImageFormats.ContentTypeOf(bytes)!, _options.Checkpoint, parameters);
    }

    private async Task<string> UploadAsync(byte[] image, CancellationToken cancellationToken)
    {
        var contentType = ImageFormats.ContentTypeOf(image) ?? ImageFormats.Png;
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(image);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        form.Add(file, "image", "mobilex-" + Guid.CreateVersion7().ToString("N") + ImageFormats.ExtensionOf(contentType));
        form.Add(new StringContent("input"), "type");
        form.Add(new StringContent("true"), "overwrite");

        using var response = await SendAsync(HttpMethod.Post, "upload/image", form, cancellationToken).ConfigureAwait(false);
        var answer = await ReadObjectAsync(response, "upload/image", cancellationToken).ConfigureAwait(false);
        var name = answer["name"]?.GetValue<string>();
        if (string.IsNullOrEmpty(name))
        {
            throw new BackendException($"{Name} upload/image answered without a name.");
        }

        var subfolder = answer["subfolder"]?.GetValue<string>();
        return string.IsNullOrEmpty(subfolder) ? name : $"{subfolder}/{name}";
    }

    private async Task<string> QueueAsync(JsonObject graph, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["prompt"] = graph, ["client_id"] = ClientId };
        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await SendAsync(HttpMethod.Post, "prompt", content, cancellationToken).ConfigureAwait(false);
        var answer = await ReadObjectAsync(response, "prompt", cancellationToken).ConfigureAwait(false);
        if (answer["node_errors"] is JsonObject { Count: > 0 } nodeErrors)
        {
            throw new BackendException($"{Name} prompt rejected the workflow: {nodeErrors.ToJsonString()}");
        }

        return answer["prompt_id"]?.GetValue<string>() is { Length: > 0 } id
            ? id
            : throw new BackendException($"{Name} prompt answered without a prompt_id.");
    }

    private async Task<JsonObject> WaitForOutputAsync(string promptId, CancellationToken cancellationToken)
    {
        var path = "history/" + Uri.EscapeDataString(promptId);
        while (true)
        {
            using (var response = await SendAsync(HttpMethod.Get, path, null, cancellationToken).ConfigureAwait(false))
            {
                var history = await ReadObjectAsync(response, "history", cancellationToken).ConfigureAwait(false);
                if (history[promptId] is JsonObject entry && FindOutput(entry, promptId) is { } output)
                {
                    return output;
                }
            }

            // ComfyUI's history is empty until the prompt finishes; the websocket would save polls but not time.
            await Task.Delay(_options.PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The first output image of a finished prompt, null while it still runs.</summary>
    private JsonObject? FindOutput(JsonObject entry, string promptId)
    {
        var status = entry["status"] as JsonObject;
        if (status?["status_str"]?.GetValue<string>() == "error")
        {
            throw new BackendException($"{Name} prompt {promptId} failed: {ExecutionError(status)}");
        }

        var image = (entry["outputs"] as JsonObject)?
            .Select(o => o.Value?["images"] as JsonArray)
            .Where(a => a is not null)
            .SelectMany(a => a!)
            .OfType<JsonObject>()
            .FirstOrDefault(i => (i["type"]?.GetValue<string>() ?? "output") == "output");
        if (image is not null)
        {
            return image;
        }

        return status?["completed"]?.GetValue<bool>() == true
            ? throw new BackendException($"{Name} prompt {promptId} completed without an output image.")
            : null;
    }

    private static string ExecutionError(JsonObject status)
    {
        if (status["messages"] is JsonArray messages)
        {
            foreach (var message in messages.OfType<JsonArray>())
            {
                if (message.Count == 2 && message[0]?.GetValue<string>() == "execution_error")
                {
                    var data = message[1];
                    var node = data?["node_type"]?.ToString();
                    var text = data?["exception_message"]?.ToString();
                    return node is null ? text ?? "execution_error" : $"{node}: {text}";
                }
            }
        }

        return "status error without an execution_error message";
    }

    private async Task<byte[]> ViewAsync(JsonObject image, CancellationToken cancellationToken)
    {
        var query = $"view?filename={Uri.EscapeDataString(image["filename"]?.ToString() ?? "")}" +
                    $"&subfolder={Uri.EscapeDataString(image["subfolder"]?.ToString() ?? "")}" +
                    $"&type={Uri.EscapeDataString(image["type"]?.ToString() ?? "output")}";
        using var response = await SendAsync(HttpMethod.Get, query, null, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw await BackendErrors.FromResponseAsync(Name, "view", response, cancellationToken).ConfigureAwait(false);
        }

        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return ImageFormats.ContentTypeOf(bytes) is null
            ? throw new BackendException($"{Name} view answered {bytes.Length} bytes that are not a PNG, JPEG or WebP image.")
            : bytes;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string relative, HttpContent? content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(_options.BaseUrl!, relative)) { Content = content };
        return await BackendErrors.SendAsync(_http, request, Name, _options.BaseUrl, cancellationToken).ConfigureAwait(false);
    }

    private async Task<JsonObject> ReadObjectAsync(HttpResponseMessage response, string step, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw await BackendErrors.FromResponseAsync(Name, step, response, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            return JsonNode.Parse(text) as JsonObject
                ?? throw new BackendException($"{Name} {step} answered JSON that is not an object.");
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            throw new BackendException($"{Name} {step} answered JSON of an unexpected shape: {ex.Message}", ex);
        }
    }
}
