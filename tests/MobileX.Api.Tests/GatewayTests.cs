using System.Net;
using System.Net.Http.Json;
using MobileX.Testing;
using Xunit;

namespace MobileX.Api.Tests;

[Collection(ServingCollection.Name)]
public sealed class GatewayTests(ServingFixture fixture)
{
    private const string Instance = "X-MobileX-Instance";
    private const string LatestFrame = "/api/stations/01/frames/latest";

    [Fact]
    public async Task Six_sequential_requests_alternate_strictly_between_the_two_replicas()
    {
        using var http = fixture.CreateGatewayClient();
        await WaitUntilBothServeAsync(http);

        var served = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            using var response = await http.GetAsync(LatestFrame, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            served.Add(response.Headers.GetValues(Instance).Single());
        }

        Assert.Equal(["api-1", "api-2"], served.Distinct().Order());
        for (var i = 1; i < served.Count; i++)
        {
            Assert.NotEqual(served[i - 1], served[i]);
        }
    }

    [Fact]
    public async Task A_killed_replica_costs_no_failed_request_and_rejoins_when_restarted()
    {
        using var http = fixture.CreateGatewayClient();
        await WaitUntilBothServeAsync(http);

        await fixture.StopApiAsync("api-2");
        try
        {
            for (var i = 0; i < 6; i++)
            {
                using var response = await http.GetAsync(LatestFrame, TestContext.Current.CancellationToken);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal("api-1", response.Headers.GetValues(Instance).Single());
            }
        }
        finally
        {
            await fixture.StartApiAsync("api-2");
        }

        // The active health check (1 s in tests) brings it back into rotation.
        await Poll.UntilAsync(async () =>
        {
            using var response = await http.GetAsync(LatestFrame, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return response.Headers.GetValues(Instance).Single() == "api-2";
        }, "api-2 back in rotation");
    }

    [Fact]
    public async Task Avatar_requests_over_the_rate_limit_get_429_with_Retry_After()
    {
        var port = FreePort.Next();
        await using var gateway = await fixture.StartGatewayAsync(port, avatarPermitLimit: 2);
        using var http = ServingFixture.Authorized(new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") });

        // Bad requests still spend a permit, and they store nothing.
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await http.PostAsJsonAsync("/api/avatars", new { stationId = "01", prompt = "" }, TestContext.Current.CancellationToken);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After must name a delay");
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }
        }

        Assert.Equal([HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.TooManyRequests], statuses);

        // Other routes are not limited.
        using var frame = await http.GetAsync(LatestFrame, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, frame.StatusCode);
    }

    [Fact]
    public async Task A_body_over_the_size_limit_gets_413_problem_from_the_gateway()
    {
        using var http = fixture.CreateGatewayClient();
        using var content = new ByteArrayContent(new byte[100 * 1024]);
        content.Headers.ContentType = new("application/json");

        using var response = await http.PostAsync("/api/avatars", content, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("gateway", response.Headers.GetValues(Instance).Single());
    }

    private static async Task WaitUntilBothServeAsync(HttpClient http)
    {
        var seen = new HashSet<string>();
        await Poll.UntilAsync(async () =>
        {
            using var response = await http.GetAsync(LatestFrame, TestContext.Current.CancellationToken);
            if (response.IsSuccessStatusCode)
            {
                seen.Add(response.Headers.GetValues(Instance).Single());
            }

            return seen.Count == 2;
        }, "both replicas serving through the gateway");
    }
}
