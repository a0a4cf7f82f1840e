using MobileX.Contracts;

namespace MobileX.Preprocessor.Imaging;

/// <summary>
/// Why a frame was refused, with the reason from <c>RejectionReasons</c> and a detail for people. Once detection ran,
/// <see cref="Detector"/> names what looked and <see cref="Scores"/> holds what the gates measured; both go into the
/// frame's <see cref="RejectionLabel"/> in the lake.
/// </summary>
public sealed record Rejection(string Reason, string Detail)
{
    public DetectorInfo? Detector { get; init; }

    public IReadOnlyDictionary<string, double>? Scores { get; init; }
}
