using Microsoft.AspNetCore.Http.HttpResults;
using MobileX.Api.Stations;
using MobileX.Contracts;

namespace MobileX.Api.Extensions;

/// <summary>problem+json answers with a title and a detail that names what was wrong.</summary>
internal static class Problems
{
    public static ProblemHttpResult BadRequest(string title, string detail) => Problem(StatusCodes.Status400BadRequest, title, detail);

    public static ProblemHttpResult NotFound(string title, string detail) => Problem(StatusCodes.Status404NotFound, title, detail);

    public static ProblemHttpResult Conflict(string title, string detail) => Problem(StatusCodes.Status409Conflict, title, detail);

    public static ProblemHttpResult Problem(int status, string title, string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title, extensions: extensions);

    /// <summary>Null when <paramref name="id"/> names a station of this fleet, else the 400 or 404 to answer.</summary>
    public static ProblemHttpResult? ParseStation(string id, StationDirectory directory)
    {
        if (!StationId.TryParse(id, out var station))
        {
            return BadRequest("Bad station id", $"'{id}' is not a station id: use two digits from 01 to 99.");
        }

        return directory.Exists(station) ? null : NotFound("Unknown station", $"Station {station} does not exist.");
    }
}
