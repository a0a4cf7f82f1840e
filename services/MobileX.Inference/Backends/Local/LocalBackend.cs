using System.Globalization;
using MobileX.Contracts;

namespace MobileX.Inference.Backends.Local;

/// <summary>The default backend: <see cref="LocalStylizer"/> on the thread pool, so a timeout can answer while it works.</summary>
internal sealed class LocalBackend : IImg2ImgBackend
{
    public string Name => InferenceApi.Backends.Local;

    public async Task<BackendImage> GenerateAsync(Img2ImgJob job, CancellationToken cancellationToken)
    {
        var png = await Task.Run(() => LocalStylizer.Render(job, cancellationToken), cancellationToken).ConfigureAwait(false);
        var parameters = new Dictionary<string, string>
        {
            ["style"] = job.Style,
            ["palette"] = "prompt+seed",
            ["strength"] = job.Strength.ToString(CultureInfo.InvariantCulture),
        };
        return BackendImage.FromBytes(png, ImageFormats.Png, LocalStylizer.Model, parameters);
    }
}
