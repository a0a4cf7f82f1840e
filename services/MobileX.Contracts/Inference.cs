using System.Text.Json;
using System.Text.Json.Serialization;

namespace MobileX.Contracts;

/// <summary>
/// The inference adapter's internal API (service <c>inference</c>): <c>POST /v1/img2img</c> with an
/// <see cref="Img2ImgRequest"/>, answered by an <see cref="Img2ImgResult"/> or problem+json
/// (400 bad request, 413 image too large, 429 queue full with Retry-After, 502 backend error, 504 backend timeout).
/// </summary>
public static class InferenceApi
{
    public const string Img2ImgPath = "/v1/img2img";

    /// <summary>Backends the adapter can front; <see cref="Local"/> is the CPU default and is not Stable Diffusion.</summary>
    public static class Backends
    {
        public const string Local = "local";
        public const string Automatic1111 = "automatic1111";
        public const string ComfyUI = "comfyui";
    }
}

/// <summary>One img2img job. <see cref="Image"/> is the source picture as base64 (JPEG or PNG).</summary>
public sealed record Img2ImgRequest(
    string Image,
    string Prompt,
    string? NegativePrompt = null,
    string? Style = null,
    long? Seed = null,
    double? Strength = null,
    int Width = 512,
    int Height = 512);

/// <summary>The generated picture (base64) and what made it.</summary>
public sealed record Img2ImgResult(
    string Image,
    string ContentType,
    int Width,
    int Height,
    string Backend,
    string? Model,
    long Seed,
    double Strength,
    string? Style,
    double DurationMs,
    IReadOnlyDictionary<string, string> Parameters);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(Img2ImgRequest))]
[JsonSerializable(typeof(Img2ImgResult))]
public sealed partial class InferenceJsonContext : JsonSerializerContext;
