using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using MobileX.Api.Http;
using MobileX.Contracts;

namespace MobileX.Api.Coverage;

/// <summary>The coverage model's newest timeline of every station, as this replica last received it.</summary>
public static class CoverageApi
{
    public static IEndpointRouteBuilder MapCoverageApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/coverage", GetCoverage)
            .WithTags("Coverage")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithSummary("Every station's coverage timeline (seen / empty / blind segments) from the coverage model, with its age");
        return app;
    }

    /// <summary>
    /// The snapshot as the model published it, plus the window's start and how old this replica's copy is:
    /// <see cref="Stale"/> once no newer snapshot arrived for <c>Api:CoverageStaleAfter</c>.
    /// </summary>
    public sealed record CoverageReport(
        DateTimeOffset GeneratedAt,
        TimeSpan Window,
        DateTimeOffset WindowStart,
        IReadOnlyList<StationCoverage> Stations,
        int Version,
        DateTimeOffset ReceivedAt,
        double AgeSeconds,
        bool Stale);

    internal static Results<Ok<CoverageReport>, ProblemHttpResult> GetCoverage(HttpContext context, LatestCoverage coverage, IOptions<ApiOptions> options, TimeProvider time)
    {
        // Each answer is this moment's view of a changing snapshot.
        context.Response.Headers.CacheControl = "no-store";
        if (coverage.Latest is not { } latest)
        {
            context.Response.Headers.RetryAfter = "5";
            return Problems.Problem(StatusCodes.Status503ServiceUnavailable, "No coverage yet",
                $"The coverage model has not reported yet: this replica has received no snapshot on {Subjects.CoverageTimeline}. The model publishes one every few seconds while it runs.");
        }

        var timeline = latest.Timeline;
        var age = time.GetUtcNow() - latest.ReceivedAt;
        return TypedResults.Ok(new CoverageReport(
            timeline.GeneratedAt, timeline.Window, timeline.GeneratedAt - timeline.Window, timeline.Stations, timeline.Version,
            latest.ReceivedAt, Math.Round(Math.Max(0, age.TotalSeconds), 3), age > options.Value.CoverageStaleAfter));
    }
}
