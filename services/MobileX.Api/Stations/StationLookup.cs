using Microsoft.AspNetCore.Http.HttpResults;
using MobileX.Api.Http;
using MobileX.Contracts;

namespace MobileX.Api.Stations;

/// <summary>Turns the station id of a route or request body into a station of this fleet, or the problem to answer.</summary>
internal static class StationLookup
{
    /// <summary>Null when <paramref name="id"/> names a station of this fleet (then <paramref name="station"/> is it), else the 400 or 404 to answer.</summary>
    public static ProblemHttpResult? Resolve(string id, StationDirectory directory, out StationId station)
    {
        if (!StationId.TryParse(id, out station))
        {
            return Problems.BadRequest("Bad station id", $"'{id}' is not a station id: use two digits from 01 to 99.");
        }

        return directory.Exists(station) ? null : Problems.NotFound("Unknown station", $"Station {station} does not exist.");
    }
}
