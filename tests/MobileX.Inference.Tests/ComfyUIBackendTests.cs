using System.Net;
using System.Text.Json.Nodes;
using MobileX.Contracts;
using MobileX.Inference.Tests.Doubles;

namespace MobileX.Inference.Tests;

/// <summary>The adapter against a real HTTP double of ComfyUI: upload, queue, poll history, view.</summary>
public sealed class ComfyUIBackendTests : IAsyncLifetime
{
    private readonly ComfyUIDouble _comfy = new() { ResultImage = Img2Img.Camera };
    private InferenceApp _app = null!;

    public async ValueTask InitializeAsync()
    {
        await _comfy.StartAsync(TestContext.Current.CancellationToken);
        _app = Adapter("00:00:30");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _comfy.DisposeAsync();
    }

    private InferenceApp Adapter(string timeout) => new(new Dictionary<string, string?>
    {
        ["Inference:Backend"] = "comfyui",
        ["Inference:Timeout"] = timeout,
        ["Inference:ComfyUI:BaseUrl"] = _comfy.BaseUrl.ToString(),
        ["Inference:ComfyUI:PollInterval"] = "00:00:00.020",
        ["Inference:ComfyUI:Checkpoint"] = "dreamshaper_8.safetensors",
    });

    [Fact]
    public async Task Success_uploads_queues_the_filled_template_polls_history_and_views_the_output()
    {
        using var response = await _app.CreateClient().PostAsync(Img2Img.Request(prompt: "Hero \"quoted\"", seed: 99, strength: 0.4));
        var result = await response.ReadResultAsync();

        Assert.Equal(Img2Img.Camera, Convert.FromBase64String(result.Image));
        Assert.Equal(InferenceApi.Backends.ComfyUI, result.Backend);
        Assert.Equal("dreamshaper_8.safetensors", result.Model);
        Assert.Equal(99, result.Seed);

        var (uploadedName, uploaded) = Assert.Single(_comfy.Uploads);
        Assert.Equal(Img2Img.Astronaut, uploaded);
        var graph = Assert.Single(_comfy.Prompts).Value;
        JsonNode Inputs(string classType) => graph.Select(n => n.Value!).Single(n => n["class_type"]!.ToString() == classType)["inputs"]!;
        Assert.Equal(uploadedName, Inputs("LoadImage")["image"]!.GetValue<string>());
        Assert.Equal(99, Inputs("KSampler")["seed"]!.GetValue<long>());
        Assert.Equal(0.4, Inputs("KSampler")["denoise"]!.GetValue<double>());
        Assert.Equal(512, Inputs("ImageScale")["width"]!.GetValue<int>());
        Assert.Equal("dreamshaper_8.safetensors", Inputs("CheckpointLoaderSimple")["ckpt_name"]!.GetValue<string>());
        var texts = graph.Select(n => n.Value!).Where(n => n["class_type"]!.ToString() == "CLIPTextEncode").Select(n => n["inputs"]!["text"]!.GetValue<string>()).ToList();
        Assert.Contains(texts, t => t.StartsWith("Hero \"quoted\", cartoon", StringComparison.Ordinal));
        Assert.Contains("blurry", texts);

        Assert.True(_comfy.HistoryPolls >= 3, $"the adapter should poll until done; it polled {_comfy.HistoryPolls} times");
        Assert.Equal(1, _comfy.Views);
    }

    [Fact]
    public async Task An_execution_error_in_history_is_502_carrying_comfyuis_exception_message()
    {
        _comfy.Behaviour = ComfyUIDouble.Mode.FailExecution;

        using var response = await _app.CreateClient().PostAsync(Img2Img.Request());

        var detail = await response.ReadProblemAsync(HttpStatusCode.BadGateway);
        Assert.Contains("KSampler: Allocation on device 0 would exceed allowed memory.", detail, StringComparison.Ordinal);
        Assert.Equal(0, _comfy.Views);
    }

    [Fact]
    public async Task A_rejected_workflow_is_502_carrying_comfyuis_validation_message()
    {
        _comfy.Behaviour = ComfyUIDouble.Mode.RejectPrompt;

        using var response = await _app.CreateClient().PostAsync(Img2Img.Request());

        var detail = await response.ReadProblemAsync(HttpStatusCode.BadGateway);
        Assert.Contains("comfyui prompt answered 400", detail, StringComparison.Ordinal);
        Assert.Contains("Prompt outputs failed validation", detail, StringComparison.Ordinal);
        Assert.Empty(_comfy.Prompts);
    }

    [Fact]
    public async Task A_prompt_that_never_finishes_is_504_and_polling_stops()
    {
        _comfy.Behaviour = ComfyUIDouble.Mode.Hang;
        // Long enough that upload and queueing finish and polling starts even on a loaded 2-core machine.
        await using var app = Adapter("00:00:02");

        using var response = await app.CreateClient().PostAsync(Img2Img.Request());

        var detail = await response.ReadProblemAsync(HttpStatusCode.GatewayTimeout);
        Assert.Contains("comfyui did not answer within 2 s", detail, StringComparison.Ordinal);
        // A poll cancelled in flight may still land; after that settles no new poll may start.
        await Task.Delay(250, TestContext.Current.CancellationToken);
        var polls = _comfy.HistoryPolls;
        Assert.True(polls > 0);
        await Task.Delay(500, TestContext.Current.CancellationToken);
        Assert.Equal(polls, _comfy.HistoryPolls);
    }
}
