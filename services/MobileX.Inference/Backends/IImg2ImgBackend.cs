namespace MobileX.Inference.Backends;

/// <summary>
/// One validated img2img job. <see cref="Image"/> is the source picture decoded once, by validation, from the request's
/// base64; <see cref="ImageBase64"/> is that base64 as it arrived, for a backend whose API takes base64
/// (AUTOMATIC1111), so the picture is never encoded again.
/// </summary>
internal sealed record Img2ImgJob(
    byte[] Image,
    string ImageBase64,
    string Prompt,
    string NegativePrompt,
    string Style,
    long Seed,
    double Strength,
    int Width,
    int Height);

/// <summary>
/// What a backend produced. The picture is kept as base64, the form the result carries: a backend that answers base64
/// (AUTOMATIC1111) passes its text on; one that answers bytes encodes them once with <see cref="FromBytes"/>.
/// </summary>
internal sealed record BackendImage(string Base64, string ContentType, string Model, IReadOnlyDictionary<string, string> Parameters)
{
    public static BackendImage FromBytes(byte[] bytes, string contentType, string model, IReadOnlyDictionary<string, string> parameters) =>
        new(Convert.ToBase64String(bytes), contentType, model, parameters);
}

/// <summary>A source of img2img results: the CPU stylizer or a Stable Diffusion server.</summary>
internal interface IImg2ImgBackend
{
    /// <summary>The name reported in every result, one of <see cref="MobileX.Contracts.InferenceApi.Backends"/>.</summary>
    string Name { get; }

    Task<BackendImage> GenerateAsync(Img2ImgJob job, CancellationToken cancellationToken);
}

/// <summary>The backend answered, but with an error; the caller gets 502 carrying <see cref="Exception.Message"/>.</summary>
internal sealed class BackendException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The job itself is unusable (for example an image that does not decode); the caller gets 400.</summary>
internal sealed class InvalidJobException(string message) : Exception(message);
