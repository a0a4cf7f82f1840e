using System.Text.Json.Serialization;

namespace MobileX.Inference.Backends.Automatic1111;

/// <summary>Body of <c>POST /sdapi/v1/img2img</c>, with the WebUI's documented snake_case field names.</summary>
internal sealed record Automatic1111Img2ImgRequest(
    IReadOnlyList<string> InitImages,
    string Prompt,
    string NegativePrompt,
    double DenoisingStrength,
    int Steps,
    double CfgScale,
    int Width,
    int Height,
    long Seed,
    string SamplerName,
    int BatchSize = 1,
    int NIter = 1,
    bool SendImages = true,
    bool SaveImages = false);

/// <summary>Answer of <c>POST /sdapi/v1/img2img</c>: base64 images and an <c>info</c> JSON string.</summary>
internal sealed record Automatic1111Img2ImgResponse(IReadOnlyList<string>? Images, string? Info);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(Automatic1111Img2ImgRequest))]
[JsonSerializable(typeof(Automatic1111Img2ImgResponse))]
internal sealed partial class Automatic1111JsonContext : JsonSerializerContext;
