using System.Text.Json;
using System.Text.Json.Serialization;

namespace MobileX.Api.Avatars;

/// <summary>
/// <c>POST /api/avatars</c>: the source is a station's latest bust (<see cref="StationId"/>) or one processed frame
/// (<see cref="FrameKey"/>, a key in bucket <c>processed</c>), never both.
/// </summary>
public sealed record AvatarRequest(
    string? StationId,
    string? FrameKey,
    string? Prompt,
    string? NegativePrompt = null,
    string? Style = null,
    long? Seed = null,
    double? Strength = null)
{
    public const int MaxPromptLength = 1000;
    public const int MaxStyleLength = 64;

    /// <summary>Null when the request is well formed, else what is wrong with it.</summary>
    public string? Validate()
    {
        if (StationId is null == FrameKey is null)
        {
            return "Give exactly one of stationId (the station's latest bust) or frameKey (a key in bucket 'processed').";
        }

        if (string.IsNullOrWhiteSpace(Prompt))
        {
            return "prompt is required and must not be empty.";
        }

        if (Prompt.Length > MaxPromptLength)
        {
            return $"prompt has {Prompt.Length} characters; the limit is {MaxPromptLength}.";
        }

        if (NegativePrompt is { Length: > MaxPromptLength })
        {
            return $"negativePrompt has {NegativePrompt.Length} characters; the limit is {MaxPromptLength}.";
        }

        if (Strength is { } s && !(s >= 0 && s <= 1))
        {
            return $"strength must be between 0 and 1, not {s}.";
        }

        if (Style is { Length: > MaxStyleLength })
        {
            return $"style has {Style.Length} characters; the limit is {MaxStyleLength}.";
        }

        return null;
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, AllowTrailingCommas = false, UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip)]
[JsonSerializable(typeof(AvatarRequest))]
internal sealed partial class AvatarJsonContext : JsonSerializerContext;
