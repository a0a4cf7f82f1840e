using System.Buffers.Text;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using MobileX.Contracts;

namespace MobileX.Inference.Backends.Automatic1111;

/// <summary>AUTOMATIC1111 / Forge WebUI: one <c>POST /sdapi/v1/img2img</c> per job, optional HTTP Basic auth.</summary>
internal sealed class Automatic1111Backend : IImg2ImgBackend
{
    public const string Img2ImgPath = "sdapi/v1/img2img";

    private readonly HttpClient _http;
    private readonly Automatic1111Options _options;
    private readonly AuthenticationHeaderValue? _auth;

    public Automatic1111Backend(HttpClient http, IOptions<InferenceOptions> options)
    {
        _http = http;
        _options = options.Value.Automatic1111;
        if (!string.IsNullOrEmpty(_options.UserName))
        {
            var token = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_options.UserName}:{_options.Password}"));
            _auth = new AuthenticationHeaderValue("Basic", token);
        }
    }

    public string Name => InferenceApi.Backends.Automatic1111;

    public async Task<BackendImage> GenerateAsync(Img2ImgJob job, CancellationToken cancellationToken)
    {
        var body = new Automatic1111Img2ImgRequest(
            // The WebUI takes base64: the request's own text, not the decoded bytes encoded again.
            InitImages: [job.ImageBase64],
            Prompt: $"{job.Prompt}, {Styles.PromptSuffix(job.Style)}",
            NegativePrompt: job.NegativePrompt,
            DenoisingStrength: job.Strength,
            Steps: _options.Steps,
            CfgScale: _options.CfgScale,
            Width: job.Width,
            Height: job.Height,
            Seed: job.Seed,
            SamplerName: _options.SamplerName);

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_options.BaseUrl!, Img2ImgPath))
        {
            Content = JsonContent.Create(body, Automatic1111JsonContext.Default.Automatic1111Img2ImgRequest),
        };
        request.Headers.Authorization = _auth;

        using var response = await BackendErrors.SendAsync(_http, request, Name, _options.BaseUrl, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw await BackendErrors.FromResponseAsync(Name, "img2img", response, cancellationToken).ConfigureAwait(false);
        }

        Automatic1111Img2ImgResponse? answer;
        try
        {
            answer = await response.Content.ReadFromJsonAsync(Automatic1111JsonContext.Default.Automatic1111Img2ImgResponse, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            throw new BackendException($"{Name} img2img answered JSON of an unexpected shape: {ex.Message}", ex);
        }

        if (answer?.Images is not [var first, ..] || string.IsNullOrEmpty(first))
        {
            throw new BackendException($"{Name} img2img answered without images[0].");
        }

        var (image, contentType) = CheckImage(first);
        var parameters = new Dictionary<string, string>
        {
            ["steps"] = _options.Steps.ToString(CultureInfo.InvariantCulture),
            ["cfg_scale"] = _options.CfgScale.ToString(CultureInfo.InvariantCulture),
            ["sampler_name"] = _options.SamplerName,
            ["denoising_strength"] = job.Strength.ToString(CultureInfo.InvariantCulture),
            ["prompt"] = body.Prompt,
        };
        return new BackendImage(image, contentType, ModelOf(answer.Info), parameters);
    }

    /// <summary>
    /// The base64 of <c>images[0]</c>, checked and passed on as it is (the result carries base64 too), and its content
    /// type, read from the first bytes only.
    /// </summary>
    private (string Base64, string ContentType) CheckImage(string base64)
    {
        // Some WebUI forks prefix a data URL; the payload after the comma is the same base64.
        var comma = base64.IndexOf(',', StringComparison.Ordinal);
        var payload = comma >= 0 && base64.StartsWith("data:", StringComparison.Ordinal) ? base64[(comma + 1)..] : base64;
        if (!Base64.IsValid(payload))
        {
            throw new BackendException($"{Name} img2img answered images[0] that is not base64.");
        }

        return ImageFormats.ContentTypeOfBase64(payload) is { } contentType
            ? (payload, contentType)
            : throw new BackendException($"{Name} img2img answered images[0] that is not a PNG, JPEG or WebP image.");
    }

    /// <summary>The WebUI reports its checkpoint in <c>info</c>, a JSON document inside a string.</summary>
    private static string ModelOf(string? info)
    {
        const string fallback = "stable-diffusion (automatic1111)";
        if (string.IsNullOrWhiteSpace(info))
        {
            return fallback;
        }

        try
        {
            using var doc = JsonDocument.Parse(info);
            return doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("sd_model_name", out var name)
                && name.ValueKind == JsonValueKind.String
                ? name.GetString()!
                : fallback;
        }
        catch (JsonException)
        {
            return fallback;
        }
    }
}
