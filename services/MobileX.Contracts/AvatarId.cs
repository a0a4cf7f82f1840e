using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace MobileX.Contracts;

/// <summary>
/// An avatar's id: a UUIDv7 written as 32 lowercase hex digits, the same text form as a <see cref="FrameId"/> but its
/// own type, so an avatar is never looked up by a frame's id. Sorting ids sorts avatars by creation time; the id names
/// the avatar's objects (<see cref="AvatarKeys"/>), its route <c>/api/avatars/{id}</c> and the <c>Nats-Msg-Id</c> of
/// its <see cref="AvatarCreated"/> event.
/// </summary>
[JsonConverter(typeof(HexIdJsonConverter<AvatarId>))]
public readonly record struct AvatarId(Guid Value) : IComparable<AvatarId>, IHexId<AvatarId>
{
    public static string JsonName => "avatarId";

    public static AvatarId New(DateTimeOffset at) => new(Guid.CreateVersion7(at));

    public override string ToString() => HexGuid.Format(Value);

    /// <summary>Guid order, which is the order of the hex text: by creation time.</summary>
    public int CompareTo(AvatarId other) => Value.CompareTo(other.Value);

    /// <summary>Accepts exactly 32 hex digits, the form <see cref="ToString"/> writes.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out AvatarId id)
    {
        var parsed = HexGuid.TryParse(text, out var guid);
        id = new AvatarId(guid);
        return parsed;
    }

    /// <exception cref="FormatException">Not 32 hex digits; the message names the value.</exception>
    public static AvatarId Parse(string text) => TryParse(text, out var id)
        ? id
        : throw new FormatException($"'{text}' is not an avatar id (32 hex digits).");
}
