using MobileX.Contracts;
using MobileX.Inference.Img2Img;

namespace MobileX.Inference.Tests;

/// <summary>The checks behind the HTTP answers, where the HTTP layer cannot reach them alone.</summary>
public sealed class Img2ImgValidationTests
{
    private static readonly InferenceOptions Options = new() { MaxImageBytes = 2048 };

    [Fact]
    public void An_image_over_the_limit_is_413_before_it_is_decoded_even_when_the_body_size_was_unknown()
    {
        var request = new Img2ImgRequest(Convert.ToBase64String(new byte[4096]), "Hero");

        var error = Img2ImgValidation.TryCreateJob(request, Options, out _);

        Assert.Equal(413, error?.Status);
        Assert.Equal("image", error?.Field);
    }

    [Fact]
    public void A_valid_request_becomes_a_job_with_the_defaults_filled_in()
    {
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3];
        var request = new Img2ImgRequest(Convert.ToBase64String(png), "  Hero  ");

        var error = Img2ImgValidation.TryCreateJob(request, Options, out var job);

        Assert.Null(error);
        Assert.Equal("Hero", job.Prompt);
        Assert.Equal(Img2ImgValidation.DefaultStrength, job.Strength);
        Assert.Equal("cartoon", job.Style);
        Assert.Equal("", job.NegativePrompt);
        Assert.InRange(job.Seed, 0, uint.MaxValue);
        Assert.Equal(png, job.Image);
        // The request's base64 travels on as it is, so a backend that takes base64 does not encode the bytes again.
        Assert.Same(request.Image, job.ImageBase64);
    }

    [Theory]
    [InlineData(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48 }, "image/png")]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0 }, "image/jpeg")]
    [InlineData(new byte[] { 0x52, 0x49, 0x46, 0x46, 1, 2, 3, 4, 0x57, 0x45, 0x42, 0x50, 0x56, 0x50, 0x38 }, "image/webp")]
    [InlineData(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17 }, null)]
    public void The_content_type_of_base64_is_read_from_its_first_characters(byte[] bytes, string? expected)
    {
        var base64 = Convert.ToBase64String(bytes);

        Assert.Equal(expected, Backends.ImageFormats.ContentTypeOfBase64(base64));
        Assert.Equal(expected, Backends.ImageFormats.ContentTypeOfBase64(string.Join("\r\n", base64.Chunk(4).Select(c => new string(c)))));
    }

    [Fact]
    public void A_null_body_is_400()
    {
        Assert.Equal(400, Img2ImgValidation.TryCreateJob(null, Options, out _)?.Status);
    }
}
