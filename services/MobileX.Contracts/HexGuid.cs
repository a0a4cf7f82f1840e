using System.Diagnostics.CodeAnalysis;

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
