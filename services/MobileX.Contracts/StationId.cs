using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MobileX.Contracts;

/// <summary>A station number, 1 to 99, always written with two digits (<c>01</c>…<c>99</c>).</summary>
[JsonConverter(typeof(StationIdJsonConverter))]
public readonly record struct StationId : IComparable<StationId>
{
    public const int Min = 1;
    public const int Max = 99;

    public StationId(int number)
    {
        if (number is < Min or > Max)
        {
            throw new ArgumentOutOfRangeException(nameof(number), number, $"A station id is a number from {Min:00} to {Max:00}.");
        }

        Number = number;
    }

    public int Number { get; }

    /// <summary>The two-digit form used in subjects, buckets and keys.</summary>
    public override string ToString() => Number.ToString("00", CultureInfo.InvariantCulture);

    public int CompareTo(StationId other) => Number.CompareTo(other.Number);

    /// <summary>Accepts exactly two digits, <c>01</c> to <c>99</c>.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out StationId id)
    {
        id = default;
        if (text is not { Length: 2 } || !char.IsAsciiDigit(text[0]) || !char.IsAsciiDigit(text[1]))
        {
            return false;
        }

        var number = ((text[0] - '0') * 10) + (text[1] - '0');
        if (number < Min)
        {
            return false;
        }

        id = new StationId(number);
        return true;
    }

    /// <exception cref="FormatException">Not two digits from 01 to 99; the message names the value.</exception>
    public static StationId Parse(string text) => TryParse(text, out var id)
        ? id
        : throw new FormatException($"'{text}' is not a station id: use two digits from 01 to 99.");

    /// <summary>Stations 01..count, the default fleet of the AppHost.</summary>
    public static IEnumerable<StationId> Range(int count) => Enumerable.Range(Min, count).Select(n => new StationId(n));
}

internal sealed class StationIdJsonConverter : JsonConverter<StationId>
{
    public override StationId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        StationId.TryParse(reader.GetString(), out var id) ? id : throw new JsonException("stationId must be two digits from 01 to 99.");

    public override void Write(Utf8JsonWriter writer, StationId value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}
