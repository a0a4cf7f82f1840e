using MobileX.Capture;
using MobileX.Contracts;

namespace MobileX.Capture.Stations;

/// <summary>Works out which stations run from <see cref="CaptureOptions"/>, refusing duplicates and ids out of range.</summary>
public static class StationSelection
{
    /// <summary>The stations to run, in order; on bad input, null and an error that names the setting and the value.</summary>
    public static IReadOnlyList<StationId>? TryResolve(CaptureOptions options, out string? error)
    {
        ArgumentNullException.ThrowIfNull(options);
        error = null;
        if (!string.IsNullOrWhiteSpace(options.Station))
        {
            var text = options.Station.Trim();
            if (!StationId.TryParse(text, out var one))
            {
                error = $"Capture:Station (--station) is '{text}', which is not a station id: use two digits from {StationId.Min:00} to {StationId.Max:00}.";
                return null;
            }

            return [one];
        }

        if (!string.IsNullOrWhiteSpace(options.Stations))
        {
            var stations = new List<StationId>();
            foreach (var part in options.Stations.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (!StationId.TryParse(part, out var id))
                {
                    error = $"Capture:Stations lists '{part}', which is not a station id: use two digits from {StationId.Min:00} to {StationId.Max:00}.";
                    return null;
                }

                if (stations.Contains(id))
                {
                    error = $"Capture:Stations lists station {id} twice; each station may run once, or two processes would publish the same frames.";
                    return null;
                }

                stations.Add(id);
            }

            if (stations.Count == 0)
            {
                error = "Capture:Stations is set but names no station.";
                return null;
            }

            return stations;
        }

        if (options.Count is < StationId.Min or > StationId.Max)
        {
            error = $"Capture:Count is {options.Count}; it must be {StationId.Min} to {StationId.Max}.";
            return null;
        }

        return [.. StationId.Range(options.Count)];
    }

    public static IReadOnlyList<StationId> Resolve(CaptureOptions options) =>
        TryResolve(options, out var error) ?? throw new InvalidOperationException(error);
}
