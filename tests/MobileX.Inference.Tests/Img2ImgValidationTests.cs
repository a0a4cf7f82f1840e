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
    }

    [Fact]
    public void A_null_body_is_400()
    {
        Assert.Equal(400, Img2ImgValidation.TryCreateJob(null, Options, out _)?.Status);
    }
}
