namespace MobileX.Inference.Backends;

/// <summary>One validated img2img job, already decoded from the wire format.</summary>
internal sealed record Img2ImgJob(
    byte[] Image,
    string Prompt,
    string NegativePrompt,
    string Style,
    long Seed,
    double Strength,
    int Width,
    int Height);

/// <summary>What a backend produced.</summary>
internal sealed record BackendImage(byte[] Bytes, string ContentType, string Model, IReadOnlyDictionary<string, string> Parameters);

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
