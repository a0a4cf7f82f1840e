using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace MobileX.Contracts;

/// <summary>
/// A time-ordered frame id: a UUIDv7 written as 32 lowercase hex digits. Sorting ids sorts frames by creation time,
/// and the id doubles as the JetStream <c>Nats-Msg-Id</c>, so a republished frame is dropped as a duplicate.
/// </summary>
[JsonConverter(typeof(HexIdJsonConverter<FrameId>))]
public readonly record struct FrameId(Guid Value) : IComparable<FrameId>, IHexId<FrameId>
{
    public static string JsonName => "frameId";

    public static FrameId New(DateTimeOffset at) => new(Guid.CreateVersion7(at));

    public override string ToString() => HexGuid.Format(Value);

    // Guid orders by its fields (_a, _b, _c as unsigned, then bytes), which is exactly the order of the "N" hex text:
    // the same order as the strings, without formatting two of them per comparison when a history is sorted.
    public int CompareTo(FrameId other) => Value.CompareTo(other.Value);

    public static bool TryParse([NotNullWhen(true)] string? text, out FrameId id)
    {
        var parsed = HexGuid.TryParse(text, out var guid);
        id = new FrameId(guid);
        return parsed;
    }

    public static FrameId Parse(string text) => TryParse(text, out var id)
        ? id
        : throw new FormatException($"'{text}' is not a frame id (32 hex digits).");
}
