using System.Net;
using System.Text;
using MobileX.Contracts;

namespace MobileX.Inference.Tests;

/// <summary>Every bad request gets its own problem+json naming what was wrong.</summary>
public sealed class BadInputTests(BadInputTests.App app) : IClassFixture<BadInputTests.App>
{
    public sealed class App : IDisposable
    {
        // A small limit so "too large" needs no huge test image: astronaut.png is far above 64 KiB.
        public InferenceApp Factory { get; } = new(new Dictionary<string, string?> { ["Inference:MaxImageBytes"] = "65536" });

        public void Dispose() => Factory.Dispose();
    }

    private static readonly byte[] SmallJpeg = SmallJpegOf();

    private static byte[] SmallJpegOf()
    {
        using var mat = OpenCvSharp.Cv2.ImDecode(Img2Img.Astronaut, OpenCvSharp.ImreadModes.Color);
        using var small = new OpenCvSharp.Mat();
        OpenCvSharp.Cv2.Resize(mat, small, new OpenCvSharp.Size(128, 128));
        OpenCvSharp.Cv2.ImEncode(".jpg", small, out var jpeg);
        return jpeg;
    }

    public static TheoryData<string, Img2ImgRequest, string> BadRequests => new()
    {
        { "empty prompt", Img2Img.Request(prompt: "  ", image: SmallJpeg), "prompt is required" },
        { "prompt over 1000 characters", Img2Img.Request(prompt: new string('a', 1001), image: SmallJpeg), "1001 characters" },
        { "strength above 1", Img2Img.Request(strength: 1.5, image: SmallJpeg), "strength must be between 0 and 1" },
        { "strength below 0", Img2Img.Request(strength: -0.1, image: SmallJpeg), "strength must be between 0 and 1" },
        { "unknown style", Img2Img.Request(style: "anime", image: SmallJpeg), "style 'anime' is unknown" },
        { "odd size", Img2Img.Request(image: SmallJpeg) with { Width = 500 }, "multiples of 8" },
        { "size above the limit", Img2Img.Request(image: SmallJpeg) with { Height = 4096 }, "multiples of 8" },
        { "negative seed", Img2Img.Request(seed: -5, image: SmallJpeg), "seed must be between" },
        { "missing image", Img2Img.Request(image: SmallJpeg) with { Image = "" }, "image is required" },
        { "image not base64", Img2Img.Request(image: SmallJpeg) with { Image = "not base64!" }, "not valid base64" },
        { "image not a picture", Img2Img.Request(image: Encoding.UTF8.GetBytes("GIF89a but not really")), "JPEG or PNG" },
        { "truncated jpeg", Img2Img.Request(image: SmallJpeg[..64]), "not a decodable JPEG or PNG" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task A_bad_request_is_400_naming_the_problem(string because, Img2ImgRequest request, string expected)
    {
        using var response = await app.Factory.CreateClient().PostAsync(request);

        var detail = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(detail.Contains(expected, StringComparison.Ordinal), $"{because}: '{detail}' should contain '{expected}'");
    }

    [Theory]
    [InlineData("{ this is not json", "application/json", "not a valid img2img JSON request")]
    [InlineData("[1, 2, 3]", "application/json", "not a valid img2img JSON request")]
    [InlineData("prompt=Hero", "application/x-www-form-urlencoded", "must be JSON")]
    public async Task A_body_that_is_not_json_is_400(string body, string contentType, string expected)
    {
        using var content = new StringContent(body, Encoding.UTF8, contentType);
        using var response = await app.Factory.CreateClient().PostAsync(InferenceApi.Img2ImgPath, content, TestContext.Current.CancellationToken);

        var detail = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(expected, detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_image_too_large_for_the_adapter_is_413()
    {
        using var response = await app.Factory.CreateClient().PostAsync(Img2Img.Request(image: Img2Img.Astronaut));

        var detail = await response.ReadProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("images up to 65,536 bytes", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_small_image_passes_the_same_limits()
    {
        using var response = await app.Factory.CreateClient().PostAsync(Img2Img.Request(image: SmallJpeg));

        var result = await response.ReadResultAsync();
        Assert.Equal(512, result.Width);
    }
}
