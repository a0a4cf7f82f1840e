using Microsoft.AspNetCore.Http.HttpResults;

namespace MobileX.Api.Http;

/// <summary>problem+json answers with a title and a detail that names what was wrong.</summary>
internal static class Problems
{
    public static ProblemHttpResult BadRequest(string title, string detail) => Problem(StatusCodes.Status400BadRequest, title, detail);

    public static ProblemHttpResult NotFound(string title, string detail) => Problem(StatusCodes.Status404NotFound, title, detail);

    public static ProblemHttpResult Conflict(string title, string detail) => Problem(StatusCodes.Status409Conflict, title, detail);

    public static ProblemHttpResult Problem(int status, string title, string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title, extensions: extensions);
}
