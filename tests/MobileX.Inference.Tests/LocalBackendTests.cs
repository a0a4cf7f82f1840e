using MobileX.Contracts;
using MobileX.Inference.Backends;

namespace MobileX.Inference.Tests;

/// <summary>The default CPU backend through the real HTTP pipeline.</summary>
public sealed class LocalBackendTests(LocalBackendTests.App app) : IClassFixture<LocalBackendTests.App>
{
    public sealed class App() : IDisposable
    {
        public InferenceApp Factory { get; } = new();

        public HttpClient Client => Factory.CreateClient();

        public void Dispose() => Factory.Dispose();
    }

    [Theory]
    [InlineData(Styles.Stylization)]
    [InlineData(Styles.EdgePreserving)]
    [InlineData(Styles.Cartoon)]
    public async Task Each_style_answers_a_512x512_png_that_says_it_is_local_not_stable_diffusion(string style)
    {
        using var response = await app.Client.PostAsync(Img2Img.Request(style: style));
        var result = await response.ReadResultAsync();

        var bytes = Convert.FromBase64String(result.Image);
        Assert.Equal("image/png", result.ContentType);
        Assert.Equal(ImageFormats.Png, ImageFormats.ContentTypeOf(bytes));
        Assert.Equal(new OpenCvSharp.Size(512, 512), Img2Img.SizeOf(bytes));
        Assert.Equal((512, 512), (result.Width, result.Height));
        Assert.Equal(InferenceApi.Backends.Local, result.Backend);
        Assert.Equal("opencv-stylize", result.Model);
        Assert.DoesNotContain("diffusion", result.Model, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(style, result.Style);
        Assert.Equal(42, result.Seed);
        Assert.Equal(0.6, result.Strength);
        Assert.NotEqual(Img2Img.Request().Image, result.Image);
    }

    [Fact]
    public async Task Same_inputs_give_the_same_bytes_and_another_seed_or_prompt_changes_them()
    {
        var client = app.Client;
        var first = await (await client.PostAsync(Img2Img.Request(seed: 7))).ReadResultAsync();
        var again = await (await client.PostAsync(Img2Img.Request(seed: 7))).ReadResultAsync();
        var otherSeed = await (await client.PostAsync(Img2Img.Request(seed: 8))).ReadResultAsync();
        var otherPrompt = await (await client.PostAsync(Img2Img.Request(prompt: "Ice queen", seed: 7))).ReadResultAsync();

        Assert.Equal(first.Image, again.Image);
        Assert.NotEqual(first.Image, otherSeed.Image);
        Assert.NotEqual(first.Image, otherPrompt.Image);
    }

    [Fact]
    public async Task A_missing_seed_is_chosen_and_reported_so_the_image_can_be_reproduced()
    {
        var client = app.Client;
        var random = await (await client.PostAsync(Img2Img.Request(seed: null, style: Styles.Cartoon))).ReadResultAsync();
        var replay = await (await client.PostAsync(Img2Img.Request(seed: random.Seed, style: Styles.Cartoon))).ReadResultAsync();

        Assert.Equal(random.Image, replay.Image);
    }

    [Fact]
    public async Task A_landscape_jpeg_source_is_cropped_to_the_requested_size_and_strength_zero_keeps_the_source()
    {
        using var mat = OpenCvSharp.Cv2.ImDecode(Img2Img.Coffee, OpenCvSharp.ImreadModes.Color);
        OpenCvSharp.Cv2.ImEncode(".jpg", mat, out var jpeg);
        var request = Img2Img.Request(image: jpeg, strength: 0) with { Width = 256, Height = 384 };

        var result = await (await app.Client.PostAsync(request)).ReadResultAsync();
        var bytes = Convert.FromBase64String(result.Image);

        Assert.Equal(new OpenCvSharp.Size(256, 384), Img2Img.SizeOf(bytes));
        using var output = OpenCvSharp.Cv2.ImDecode(bytes, OpenCvSharp.ImreadModes.Color);
        using var source = Backends.Local.LocalStylizer.FitCover(OpenCvSharp.Cv2.ImDecode(jpeg, OpenCvSharp.ImreadModes.Color), 256, 384);
        Assert.Equal(0, OpenCvSharp.Cv2.Norm(output, source, OpenCvSharp.NormTypes.INF));
    }

    [Fact]
    public async Task The_backend_description_says_plainly_that_local_is_not_stable_diffusion()
    {
        var json = await app.Client.GetStringAsync("/v1/backend", TestContext.Current.CancellationToken);

        Assert.Contains("\"backend\":\"local\"", json, StringComparison.Ordinal);
        Assert.Contains("\"stableDiffusion\":false", json, StringComparison.Ordinal);
    }
}
