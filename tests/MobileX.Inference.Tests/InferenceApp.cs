using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using MobileX.Contracts;
using MobileX.Testing;
using OpenCvSharp;

namespace MobileX.Inference.Tests;

/// <summary>The adapter hosted in the test process with the given <c>Inference:*</c> settings.</summary>
public sealed class InferenceApp(IReadOnlyDictionary<string, string?> settings) : WebApplicationFactory<Program>
{
    public InferenceApp() : this(new Dictionary<string, string?>())
    {
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(settings));
    }
}

/// <summary>Requests and answer checks shared by the tests.</summary>
public static class Img2Img
{
    public static readonly byte[] Astronaut = File.ReadAllBytes(RepositoryPaths.TestImage("astronaut.png"));

    public static readonly byte[] Coffee = File.ReadAllBytes(RepositoryPaths.TestImage("coffee.png"));

    /// <summary>A different real picture, so a test can tell the backend's answer from the source.</summary>
    public static readonly byte[] Camera = File.ReadAllBytes(RepositoryPaths.TestImage("camera.png"));

    public static Img2ImgRequest Request(string prompt = "Hero", long? seed = 42, string? style = null, double? strength = 0.6, byte[]? image = null) =>
        new(Convert.ToBase64String(image ?? Astronaut), prompt, "blurry", style, seed, strength);

    public static Task<HttpResponseMessage> PostAsync(this HttpClient client, Img2ImgRequest request) =>
        client.PostAsJsonAsync(InferenceApi.Img2ImgPath, request, InferenceJsonContext.Default.Img2ImgRequest, TestContext.Current.CancellationToken);

    public static async Task<Img2ImgResult> ReadResultAsync(this HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"expected 200, got {(int)response.StatusCode}: {body}");
        return JsonSerializer.Deserialize(body, InferenceJsonContext.Default.Img2ImgResult)!;
    }

    /// <summary>Asserts a problem+json answer with the status and returns its <c>detail</c>.</summary>
    public static async Task<string> ReadProblemAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var doc = JsonDocument.Parse(body);
        Assert.Equal((int)status, doc.RootElement.GetProperty("status").GetInt32());
        return doc.RootElement.GetProperty("detail").GetString()!;
    }

    public static Size SizeOf(byte[] image)
    {
        using var mat = Cv2.ImDecode(image, ImreadModes.Color);
        Assert.False(mat.Empty(), "the answer's image does not decode");
        return mat.Size();
    }
}
