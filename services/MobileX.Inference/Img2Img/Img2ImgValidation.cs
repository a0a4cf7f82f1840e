using System.Buffers.Text;
using MobileX.Contracts;
using MobileX.Inference.Backends;

namespace MobileX.Inference.Img2Img;

/// <summary>What is wrong with a request: the HTTP status, the field and a sentence naming the problem.</summary>
internal sealed record RequestError(int Status, string Field, string Detail);

/// <summary>Checks an <see cref="Img2ImgRequest"/> and turns it into a backend job.</summary>
internal static class Img2ImgValidation
{
    public const int MaxPromptLength = 1000;
    public const double DefaultStrength = 0.75;

    public static RequestError? TryCreateJob(Img2ImgRequest? request, InferenceOptions options, out Img2ImgJob job)
    {
        job = null!;
        if (request is null)
        {
            return new(400, "body", "The body must be a JSON object, not null.");
        }

        if (string.IsNullOrWhiteSpace(request.Prompt))
        {
            return new(400, "prompt", "prompt is required and must not be empty.");
        }

        if (request.Prompt.Length > MaxPromptLength)
        {
            return new(400, "prompt", $"prompt has {request.Prompt.Length} characters; at most {MaxPromptLength} are allowed.");
        }

        if (request.NegativePrompt is { Length: > MaxPromptLength })
        {
            return new(400, "negativePrompt", $"negativePrompt has {request.NegativePrompt.Length} characters; at most {MaxPromptLength} are allowed.");
        }

        var strength = request.Strength ?? DefaultStrength;
        if (!(strength is >= 0 and <= 1))
        {
            return new(400, "strength", $"strength must be between 0 and 1 (got {request.Strength}).");
        }

        if (!ValidDimension(request.Width, options) || !ValidDimension(request.Height, options))
        {
            return new(400, "width/height", $"width and height must be multiples of 8 between 64 and {options.MaxDimension} (got {request.Width}x{request.Height}).");
        }

        var style = request.Style ?? Styles.Default;
        if (!Styles.All.Contains(style, StringComparer.Ordinal))
        {
            return new(400, "style", $"style '{request.Style}' is unknown; use one of {string.Join(", ", Styles.All)}.");
        }

        if (request.Seed is < 0 or > uint.MaxValue)
        {
            return new(400, "seed", $"seed must be between 0 and {uint.MaxValue} (got {request.Seed}).");
        }

        if (string.IsNullOrEmpty(request.Image))
        {
            return new(400, "image", "image is required: the source picture as base64 (JPEG or PNG).");
        }

        // Check the size before decoding, so an oversized image costs no allocation.
        var decodedLength = Base64.GetMaxDecodedFromUtf8Length(request.Image.Length);
        if (decodedLength > options.MaxImageBytes + 2)
        {
            return new(413, "image", $"image is about {decodedLength:N0} bytes; the adapter accepts at most {options.MaxImageBytes:N0}.");
        }

        // The one decode on this side: validation, the local stylizer and ComfyUI's upload all use these bytes.
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(request.Image);
        }
        catch (FormatException)
        {
            return new(400, "image", "image is not valid base64.");
        }

        if (bytes.Length > options.MaxImageBytes)
        {
            return new(413, "image", $"image is {bytes.Length:N0} bytes; the adapter accepts at most {options.MaxImageBytes:N0}.");
        }

        if (ImageFormats.ContentTypeOf(bytes) is not (ImageFormats.Jpeg or ImageFormats.Png))
        {
            return new(400, "image", "image must be a JPEG or PNG picture.");
        }

        // A fixed seed keeps every result reproducible; when the caller gives none we choose one and report it.
        var seed = request.Seed ?? Random.Shared.NextInt64(0, uint.MaxValue);
        job = new Img2ImgJob(bytes, request.Image, request.Prompt.Trim(), request.NegativePrompt ?? "", style, seed, strength, request.Width, request.Height);
        return null;
    }

    private static bool ValidDimension(int value, InferenceOptions options) => value >= 64 && value <= options.MaxDimension && value % 8 == 0;
}
