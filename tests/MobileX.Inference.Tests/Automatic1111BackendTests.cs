using System.Net.Http.Json;
using System.Net;
using MobileX.Contracts;
using MobileX.Inference.Tests.Doubles;

namespace MobileX.Inference.Tests;

/// <summary>The adapter against a real HTTP double of AUTOMATIC1111's img2img API.</summary>
public sealed class Automatic1111BackendTests : IAsyncLifetime
{
    private readonly Automatic1111Double _webui = new() { ResultImage = Img2Img.Camera, RequiredAuth = "mobilex:s3cret" };
    private InferenceApp _app = null!;

    public async ValueTask InitializeAsync()
    {
        await _webui.StartAsync(TestContext.Current.CancellationToken);
        _app = Adapter(_webui.BaseUrl, timeout: "00:00:30");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _webui.DisposeAsync();
    }

    internal static InferenceApp Adapter(Uri baseUrl, string timeout, string? maxConcurrency = null, string queueLimit = "4", string password = "s3cret") => new(new Dictionary<string, string?>
    {
        ["Inference:Backend"] = "automatic1111",
        ["Inference:Timeout"] = timeout,
        ["Inference:MaxConcurrency"] = maxConcurrency,
        ["Inference:QueueLimit"] = queueLimit,
        ["Inference:Automatic1111:BaseUrl"] = baseUrl.ToString(),
        ["Inference:Automatic1111:UserName"] = "mobilex",
        ["Inference:Automatic1111:Password"] = password,
        ["Inference:Automatic1111:Steps"] = "25",
        ["Inference:Automatic1111:SamplerName"] = "DPM++ 2M",
    });

    [Fact]
    public async Task Success_sends_the_documented_fields_with_basic_auth_and_returns_images_0()
    {
        using var response = await _app.CreateClient().PostAsync(Img2Img.Request(prompt: "Hero", seed: 1234, strength: 0.55, style: "cartoon"));
        var result = await response.ReadResultAsync();

        Assert.Equal(Img2Img.Camera, Convert.FromBase64String(result.Image));
        Assert.Equal("image/png", result.ContentType);
        Assert.Equal(InferenceApi.Backends.Automatic1111, result.Backend);
        Assert.Equal("v1-5-pruned-emaonly", result.Model);
        Assert.Equal(1234, result.Seed);

        var sent = Assert.Single(_webui.Received);
        Assert.Equal(Img2Img.Astronaut, Convert.FromBase64String(sent.GetProperty("init_images")[0].GetString()!));
        Assert.StartsWith("Hero, cartoon", sent.GetProperty("prompt").GetString(), StringComparison.Ordinal);
        Assert.Equal("blurry", sent.GetProperty("negative_prompt").GetString());
        Assert.Equal(0.55, sent.GetProperty("denoising_strength").GetDouble());
        Assert.Equal(25, sent.GetProperty("steps").GetInt32());
        Assert.Equal(7.0, sent.GetProperty("cfg_scale").GetDouble());
        Assert.Equal(512, sent.GetProperty("width").GetInt32());
        Assert.Equal(512, sent.GetProperty("height").GetInt32());
        Assert.Equal(1234, sent.GetProperty("seed").GetInt64());
        Assert.Equal("DPM++ 2M", sent.GetProperty("sampler_name").GetString());
    }

    [Fact]
    public async Task A_backend_error_is_502_carrying_the_backends_message()
    {
        _webui.Behaviour = Automatic1111Double.Mode.Fail;

        using var response = await _app.CreateClient().PostAsync(Img2Img.Request());

        var detail = await response.ReadProblemAsync(HttpStatusCode.BadGateway);
        Assert.Contains("CUDA out of memory", detail, StringComparison.Ordinal);
        Assert.Contains("500", detail, StringComparison.Ordinal);
        Assert.Single(_webui.Received);
    }

    [Fact]
    public async Task Wrong_credentials_are_a_502_that_names_the_backends_answer()
    {
        await using var app = Adapter(_webui.BaseUrl, timeout: "00:00:30", password: "wrong");

        using var response = await app.CreateClient().PostAsync(Img2Img.Request());

        var detail = await response.ReadProblemAsync(HttpStatusCode.BadGateway);
        Assert.Contains("401", detail, StringComparison.Ordinal);
        Assert.Contains("Incorrect username or password", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_backend_that_does_not_answer_in_time_is_504_and_its_call_is_cancelled()
    {
        _webui.Behaviour = Automatic1111Double.Mode.Hang;
        await using var app = Adapter(_webui.BaseUrl, timeout: "00:00:00.500");

        using var response = await app.CreateClient().PostAsync(Img2Img.Request());

        var detail = await response.ReadProblemAsync(HttpStatusCode.GatewayTimeout);
        Assert.Contains("did not answer within 0.5 s", detail, StringComparison.Ordinal);
        await _webui.CallerCancelled.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task A_client_cancellation_cancels_the_backend_call()
    {
        _webui.Behaviour = Automatic1111Double.Mode.Hang;
        await using var app = Adapter(_webui.BaseUrl, timeout: "00:01:00");
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var client = app.CreateClient();

        var call = client.PostAsJsonAsync(InferenceApi.Img2ImgPath, Img2Img.Request(), InferenceJsonContext.Default.Img2ImgRequest, cts.Token);
        await WaitUntilAsync(() => _webui.Running == 1);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        await _webui.CallerCancelled.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task An_unreachable_backend_is_502_naming_its_address()
    {
        var closed = new Uri($"http://127.0.0.1:{MobileX.Testing.FreePort.Next()}/");
        await using var app = Adapter(closed, timeout: "00:00:30");

        using var response = await app.CreateClient().PostAsync(Img2Img.Request());

        var detail = await response.ReadProblemAsync(HttpStatusCode.BadGateway);
        Assert.Contains($"unreachable at {closed}", detail, StringComparison.Ordinal);
    }

    internal static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            await Task.Delay(10, timeout.Token);
        }
    }
}
