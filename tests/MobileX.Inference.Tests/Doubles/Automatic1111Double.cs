using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace MobileX.Inference.Tests.Doubles;

/// <summary>
/// AUTOMATIC1111's <c>POST /sdapi/v1/img2img</c> as documented: it rejects a body whose field names or types
/// differ from the WebUI's (422, as FastAPI does), checks HTTP Basic auth when configured, and answers
/// <c>{ images, parameters, info }</c>.
/// </summary>
public sealed class Automatic1111Double : LoopbackServer
{
    public static readonly string[] RequiredFields =
        ["init_images", "prompt", "negative_prompt", "denoising_strength", "steps", "cfg_scale", "width", "height", "seed", "sampler_name"];

    private static readonly string[] OptionalFields = ["batch_size", "n_iter", "send_images", "save_images", "styles", "override_settings"];

    public enum Mode { Succeed, Fail, Hang, Block }

    public Mode Behaviour { get; set; } = Mode.Succeed;

    /// <summary>The PNG the double answers with.</summary>
    public byte[] ResultImage { get; set; } = [];

    /// <summary>user:pass the double demands, as <c>--api-auth</c> does; null accepts anyone.</summary>
    public string? RequiredAuth { get; set; }

    public ConcurrentQueue<JsonElement> Received { get; } = new();

    /// <summary>Completed when a hanging request saw its caller cancel.</summary>
    public TaskCompletionSource CallerCancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Requests in <see cref="Mode.Block"/> wait for this.</summary>
    public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Running;

    protected override void Map(WebApplication app) => app.MapPost("/sdapi/v1/img2img", (Func<HttpContext, Task<IResult>>)HandleAsync);

    private async Task<IResult> HandleAsync(HttpContext http)
    {
        if (RequiredAuth is not null)
        {
            var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(RequiredAuth));
            if (http.Request.Headers.Authorization != expected)
            {
                return Results.Json(new { detail = "Incorrect username or password" }, statusCode: 401);
            }
        }

        using var doc = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
        var body = doc.RootElement.Clone();
        Received.Enqueue(body);

        var problems = Check(body);
        if (problems.Count > 0)
        {
            return Results.Json(new { detail = problems }, statusCode: 422);
        }

        Interlocked.Increment(ref Running);
        try
        {
            switch (Behaviour)
            {
                case Mode.Fail:
                    return Results.Json(new { error = "OutOfMemoryError", detail = "", body = "", errors = "CUDA out of memory. Tried to allocate 2.00 GiB" }, statusCode: 500);
                case Mode.Hang:
                    try
                    {
                        await Task.Delay(Timeout.Infinite, http.RequestAborted);
                    }
                    catch (OperationCanceledException)
                    {
                        CallerCancelled.TrySetResult();
                        throw;
                    }

                    break;
                case Mode.Block:
                    await Release.Task.WaitAsync(http.RequestAborted);
                    break;
            }

            var info = JsonSerializer.Serialize(new { sd_model_name = "v1-5-pruned-emaonly", seed = body.GetProperty("seed").GetInt64() });
            return Results.Json(new { images = new[] { Convert.ToBase64String(ResultImage) }, parameters = new { }, info });
        }
        finally
        {
            Interlocked.Decrement(ref Running);
        }
    }

    /// <summary>Field names and JSON types the WebUI's pydantic model would accept.</summary>
    private static List<string> Check(JsonElement body)
    {
        var problems = new List<string>();
        foreach (var name in RequiredFields.Where(n => !body.TryGetProperty(n, out _)))
        {
            problems.Add($"field required: {name}");
        }

        foreach (var property in body.EnumerateObject().Where(p => !RequiredFields.Contains(p.Name) && !OptionalFields.Contains(p.Name)))
        {
            problems.Add($"extra field not permitted: {property.Name}");
        }

        if (problems.Count > 0)
        {
            return problems;
        }

        Expect(body, "init_images", JsonValueKind.Array, problems);
        foreach (var name in (string[])["prompt", "negative_prompt", "sampler_name"])
        {
            Expect(body, name, JsonValueKind.String, problems);
        }

        foreach (var name in (string[])["denoising_strength", "steps", "cfg_scale", "width", "height", "seed"])
        {
            Expect(body, name, JsonValueKind.Number, problems);
        }

        if (problems.Count == 0)
        {
            var images = body.GetProperty("init_images");
            if (images.GetArrayLength() != 1 || !IsBase64(images[0].GetString()))
            {
                problems.Add("init_images must hold one base64 image");
            }
        }

        return problems;
    }

    private static void Expect(JsonElement body, string name, JsonValueKind kind, List<string> problems)
    {
        if (body.GetProperty(name).ValueKind != kind)
        {
            problems.Add($"{name}: expected {kind}, got {body.GetProperty(name).ValueKind}");
        }
    }

    private static bool IsBase64(string? text) => text is { Length: > 0 } && Convert.TryFromBase64String(text, new byte[text.Length], out _);
}
