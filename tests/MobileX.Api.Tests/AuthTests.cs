using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MobileX.Testing;
using Xunit;

namespace MobileX.Api.Tests;

/// <summary>Authentication at the edge, through the real gateway and both real replicas.</summary>
[Collection(ServingCollection.Name)]
public sealed class AuthTests(ServingFixture fixture)
{
    private const string LatestFrame = "/api/stations/01/frames/latest";

    [Theory]
    [InlineData("GET", "/api/stations")]
    [InlineData("GET", LatestFrame)]
    [InlineData("GET", "/api/stations/01/frames?from=2026-01-01T00:00:00Z&to=2026-01-01T01:00:00Z")]
    [InlineData("GET", "/api/coverage")]
    [InlineData("GET", "/api/lake/processed/anything.png")]
    [InlineData("GET", "/api/lake/presigned/processed/anything.png")]
    [InlineData("GET", "/api/avatars/0123456789abcdef0123456789abcdef")]
    [InlineData("GET", "/api/session")]
    [InlineData("POST", "/api/avatars")]
    public async Task Anonymous_reads_and_writes_get_401_problem_with_a_challenge(string method, string path)
    {
        using var http = fixture.CreateAnonymousGatewayClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = JsonContent.Create(new { stationId = "01", prompt = "Hero" });
        }

        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "needs a credential");
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task A_wrong_key_gets_401_invalid_token_and_the_open_paths_stay_open_and_say_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        using var wrong = ServingFixture.Authorized(fixture.CreateAnonymousGatewayClient(), "not-the-key-but-long-enough");
        using var refused = await wrong.GetAsync("/api/stations", ct);
        await AssertProblemAsync(refused, HttpStatusCode.Unauthorized, "not a configured key");
        Assert.Contains("invalid_token", refused.Headers.WwwAuthenticate.Single().Parameter, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-key", await refused.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);

        using var anonymous = fixture.CreateAnonymousGatewayClient();
        foreach (var path in new[] { "/health", "/alive" })
        {
            using var health = await anonymous.GetAsync(path, ct);
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.Equal("Healthy", await health.Content.ReadAsStringAsync(ct));
        }

        using var page = await anonymous.GetAsync("/", ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("sign-in", await page.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        using var openApi = await anonymous.GetAsync("/openapi/v1.json", ct);
        Assert.Equal(HttpStatusCode.OK, openApi.StatusCode);
    }

    [Fact]
    public async Task The_read_only_key_reads_but_gets_403_on_a_write_and_the_read_write_key_gets_303()
    {
        var ct = TestContext.Current.CancellationToken;
        using var reader = ServingFixture.Authorized(fixture.CreateAnonymousGatewayClient(), ServingFixture.ReadKey);
        using var read = await reader.GetAsync(LatestFrame, ct);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        using var write = await reader.PostAsJsonAsync("/api/avatars", new { stationId = "01", prompt = "Hero" }, ct);
        await AssertProblemAsync(write, HttpStatusCode.Forbidden, "needs the write right");

        // The same key in X-Api-Key instead of Authorization.
        using var byHeader = fixture.CreateAnonymousGatewayClient();
        byHeader.DefaultRequestHeaders.Add("X-Api-Key", ServingFixture.ReadKey);
        using var viaHeader = await byHeader.GetAsync("/api/stations", ct);
        Assert.Equal(HttpStatusCode.OK, viaHeader.StatusCode);

        using var writer = fixture.CreateGatewayClient();
        using var created = await writer.PostAsJsonAsync("/api/avatars", new { stationId = "01", prompt = "Hero" }, ct);
        Assert.Equal(HttpStatusCode.SeeOther, created.StatusCode);
    }

    [Fact]
    public async Task A_cookie_signed_in_through_the_gateway_works_on_both_replicas_and_sign_out_ends_it()
    {
        var ct = TestContext.Current.CancellationToken;
        using var anonymous = fixture.CreateAnonymousGatewayClient();
        using var missing = await anonymous.PostAsJsonAsync("/api/session", new { }, ct);
        await AssertProblemAsync(missing, HttpStatusCode.BadRequest, "'key' is missing");
        using var wrong = await anonymous.PostAsJsonAsync("/api/session", new { key = "wrong-key-of-enough-length" }, ct);
        await AssertProblemAsync(wrong, HttpStatusCode.Unauthorized, "not a configured API key");
        Assert.False(wrong.Headers.Contains("Set-Cookie"));

        using var signIn = await anonymous.PostAsJsonAsync("/api/session", new { key = ServingFixture.ReadKey }, ct);
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        var setCookie = signIn.Headers.GetValues("Set-Cookie").Single();
        Assert.StartsWith("mobilex-session=", setCookie, StringComparison.Ordinal);
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(ServingFixture.ReadKey, setCookie, StringComparison.Ordinal);
        var cookie = setCookie.Split(';')[0];

        // Straight to each replica: whichever made the cookie, the other reads it through the shared key ring.
        foreach (var (name, port) in fixture.ApiPorts)
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            http.DefaultRequestHeaders.Add("Cookie", cookie);
            using var session = await http.GetAsync("/api/session", ct);
            Assert.Equal(HttpStatusCode.OK, session.StatusCode);
            Assert.Equal(name, session.Headers.GetValues("X-MobileX-Instance").Single());
            var info = await session.Content.ReadFromJsonAsync<JsonElement>(ct);
            Assert.Equal("read", info.GetProperty("right").GetString());
            using var frame = await http.GetAsync(LatestFrame, ct);
            Assert.Equal(HttpStatusCode.OK, frame.StatusCode);
            using var write = await http.PostAsJsonAsync("/api/avatars", new { stationId = "01", prompt = "Hero" }, ct);
            Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
        }

        using var withCookie = fixture.CreateAnonymousGatewayClient();
        withCookie.DefaultRequestHeaders.Add("Cookie", cookie);
        using var signOut = await withCookie.DeleteAsync("/api/session", ct);
        Assert.Equal(HttpStatusCode.NoContent, signOut.StatusCode);
        Assert.Contains(signOut.Headers.GetValues("Set-Cookie"), c => c.StartsWith("mobilex-session=;", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_two_forwarded_clients_each_get_their_own_avatar_limit()
    {
        var ct = TestContext.Current.CancellationToken;
        var port = FreePort.Next();
        await using var gateway = await fixture.StartGatewayAsync(port, avatarPermitLimit: 1,
            new Dictionary<string, string> { ["Gateway__TrustedProxies__0"] = "127.0.0.1" });
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        // Anonymous, so the limit partitions by the client address the trusted proxy names; the API refuses each 401.
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAvatarAsync(http, forwardedFor: "203.0.113.1", ct));
        Assert.Equal(HttpStatusCode.TooManyRequests, await PostAvatarAsync(http, forwardedFor: "203.0.113.1", ct));
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAvatarAsync(http, forwardedFor: "203.0.113.2", ct));
    }

    [Fact]
    public async Task A_forged_X_Forwarded_For_from_an_untrusted_address_changes_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var port = FreePort.Next();
        // The default: no proxy trusted, so 127.0.0.1's headers are ignored and every request is 127.0.0.1.
        await using var gateway = await fixture.StartGatewayAsync(port, avatarPermitLimit: 1);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        Assert.Equal(HttpStatusCode.Unauthorized, await PostAvatarAsync(http, forwardedFor: "203.0.113.1", ct));
        Assert.Equal(HttpStatusCode.TooManyRequests, await PostAvatarAsync(http, forwardedFor: "203.0.113.2", ct));
        Assert.Equal(HttpStatusCode.TooManyRequests, await PostAvatarAsync(http, forwardedFor: null, ct));
    }

    [Fact]
    public async Task Avatar_limits_count_per_key_not_per_address()
    {
        var ct = TestContext.Current.CancellationToken;
        var port = FreePort.Next();
        await using var gateway = await fixture.StartGatewayAsync(port, avatarPermitLimit: 1);
        using var writer = ServingFixture.Authorized(new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") });
        using var reader = ServingFixture.Authorized(new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") }, ServingFixture.ReadKey);

        // Same address, two keys: each has its own window. An empty prompt is a cheap 400 that still spends a permit.
        Assert.Equal(HttpStatusCode.BadRequest, await PostAvatarAsync(writer, forwardedFor: null, ct, prompt: ""));
        Assert.Equal(HttpStatusCode.Forbidden, await PostAvatarAsync(reader, forwardedFor: null, ct));
        Assert.Equal(HttpStatusCode.TooManyRequests, await PostAvatarAsync(writer, forwardedFor: null, ct, prompt: ""));
        Assert.Equal(HttpStatusCode.TooManyRequests, await PostAvatarAsync(reader, forwardedFor: null, ct));
    }

    [Theory]
    [InlineData("Api__Auth__ApiKey", "", "Api:Auth:ApiKey is required")]
    [InlineData("Api__Auth__ApiKey", "short", "Api:Auth:ApiKey is 5 characters")]
    [InlineData("Api__Auth__ReadApiKey", ServingFixture.ApiKey, "must differ from the read-write key")]
    [InlineData("Api__Auth__Jwt__Authority", "https://login.example.com/realms/mobilex", "Api:Auth:Jwt:Audience is required")]
    [InlineData("Api__Auth__Jwt__Authority", "http://login.example.com/", "Api:Auth:Jwt:Authority 'http://login.example.com/' is http://")]
    [InlineData("Api__Auth__Jwt__Audience", "mobilex", "Api:Auth:Jwt:Authority is not")]
    [InlineData("Api__TrustedProxies__0", "gateway.local", "Api:TrustedProxies must list IP addresses or CIDR networks")]
    public async Task A_bad_auth_setting_stops_the_replica_with_a_message_naming_it(string setting, string value, string expected)
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => fixture.StartSoloApiAsync("api-bad", new Dictionary<string, string> { [setting] = value }));
        Assert.Contains(expected, failure.Message, StringComparison.Ordinal);
    }

    private static async Task<HttpStatusCode> PostAvatarAsync(HttpClient http, string? forwardedFor, CancellationToken ct, string prompt = "Hero")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/avatars") { Content = JsonContent.Create(new { stationId = "01", prompt }) };
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }

        using var response = await http.SendAsync(request, ct);
        return response.StatusCode;
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string detail)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.Contains(detail, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
