using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MobileX.Contracts;

/// <summary>The text form <see cref="FrameId"/> and <see cref="AvatarId"/> share: a Guid as 32 lowercase hex digits.</summary>
internal static class HexGuid
{
    public const int Length = 32;

    public static string Format(Guid value) => value.ToString("N");

    /// <summary>Accepts exactly <see cref="Length"/> hex digits, the form <see cref="Format"/> writes.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out Guid value)
    {
        value = default;
        return text is { Length: Length } && Guid.TryParseExact(text, "N", out value);
    }
}

/// <summary>An id whose text form is a <see cref="HexGuid"/>; lets one JSON converter serve every such id.</summary>
public interface IHexId<TSelf> where TSelf : struct, IHexId<TSelf>
{
    /// <summary>The JSON property the id travels in, for error messages (<c>frameId</c>).</summary>
    static abstract string JsonName { get; }

    static abstract bool TryParse([NotNullWhen(true)] string? text, out TSelf id);
}

/// <summary>Reads and writes a <see cref="IHexId{TSelf}"/> as its 32-hex-digit string; a malformed one names the property.</summary>
public sealed class HexIdJsonConverter<T> : JsonConverter<T> where T : struct, IHexId<T>
{
    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        T.TryParse(reader.GetString(), out var id) ? id : throw new JsonException($"{T.JsonName} must be 32 hex digits.");

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}
