using System.Globalization;
using MobileX.Contracts;

namespace MobileX.Cli.CommandLine;

/// <summary>
/// A command's options as given, checked against its <see cref="CommandSpec"/>. Every conversion throws a
/// <see cref="UsageException"/> that names the option and the value it could not use.
/// </summary>
internal sealed class ParsedArguments
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);

    private ParsedArguments(CommandSpec spec) => Spec = spec;

    public CommandSpec Spec { get; }

    /// <summary>True when <c>--help</c> or <c>-h</c> was given: print the help and do nothing else.</summary>
    public bool HelpRequested { get; private set; }

    /// <exception cref="UsageException">An unknown option, a missing value, a repeated single option or a stray word.</exception>
    public static ParsedArguments Parse(CommandSpec spec, IReadOnlyList<string> tokens)
    {
        var parsed = new ParsedArguments(spec);
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (token is "--help" or "-h")
            {
                parsed.HelpRequested = true;
                continue;
            }

            if (!token.StartsWith("--", StringComparison.Ordinal))
            {
                throw new UsageException($"unexpected argument '{token}': mobilex {spec.Path} takes only options (see --help).");
            }

            var equals = token.IndexOf('=', StringComparison.Ordinal);
            var name = equals > 0 ? token[..equals] : token;
            var option = spec.Find(name)
                ?? throw new UsageException($"unknown option '{name}' for mobilex {spec.Path}; its options are {string.Join(", ", spec.Options.Select(o => o.Name))}.");
            string value;
            if (option.IsFlag)
            {
                if (equals > 0)
                {
                    throw new UsageException($"option {name} is a switch and takes no value ('{token}').");
                }

                value = "true";
            }
            else if (equals > 0)
            {
                value = token[(equals + 1)..];
            }
            else if (i + 1 < tokens.Count && !tokens[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                value = tokens[++i];
            }
            else
            {
                throw new UsageException($"option {name} needs a value: {name} {option.Value}.");
            }

            if (!parsed._values.TryGetValue(name, out var list))
            {
                parsed._values[name] = list = [];
            }
            else if (!option.Repeatable)
            {
                throw new UsageException($"option {name} is given twice ('{list[0]}' and '{value}'); give it once.");
            }

            list.Add(value);
        }

        return parsed;
    }

    public bool Has(string name) => _values.ContainsKey(name);

    public bool Flag(string name) => Has(name);

    public string? Value(string name) => _values.TryGetValue(name, out var list) ? list[^1] : null;

    /// <summary>Every value of a repeatable option; a value may also list several, separated by commas.</summary>
    public IReadOnlyList<string> Values(string name) =>
        _values.TryGetValue(name, out var list)
            ? [.. list.SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))]
            : [];

    public string Required(string name) =>
        Value(name) is { Length: > 0 } value ? value : throw new UsageException($"option {name} is required: {name} {Spec.Find(name)?.Value}.");

    public IReadOnlyList<StationId> Stations(string name) => [.. Values(name).Select(v => Station(name, v)).Distinct().Order()];

    public static StationId Station(string option, string value) => StationId.TryParse(value, out var station)
        ? station
        : throw new UsageException($"{option} '{value}' is not a station id: use two digits from 01 to 99.");

    public FrameStage? Stage(string name) => Value(name) is { } value ? ParseStage(name, value) : null;

    public static FrameStage ParseStage(string option, string value) => FrameStages.TryParse(value, out var stage)
        ? stage
        : throw new UsageException($"{option} '{value}' is not a stage: use raw, processed or rejected.");

    /// <summary>An ISO 8601 time; one without an offset is UTC, a bare date is its midnight UTC.</summary>
    public DateTimeOffset? Time(string name)
    {
        if (Value(name) is not { } value)
        {
            return null;
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : throw new UsageException($"{name} '{value}' is not a time: use ISO 8601 such as 2026-12-01T00:00Z (UTC unless an offset is given).");
    }

    public int Int(string name, int defaultValue, int min, int max)
    {
        if (Value(name) is not { } value)
        {
            return defaultValue;
        }

        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max
            ? number
            : throw new UsageException($"{name} '{value}' is not a whole number from {min} to {max}.");
    }
}
