using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MobileX.Contracts;
using MobileX.Testing;

namespace MobileX.Api.Tests;

/// <summary>
/// A real Kestrel server on a free port speaking OUR internal <c>POST /v1/img2img</c> contract, standing in for the
/// inference adapter (built by another team). It answers a solid-colour 512x512 PNG, or 413 for a source image over
/// <see cref="MaxImageBytes"/>, as the adapter does.
/// </summary>
public sealed class InferenceDouble : IAsyncDisposable
{
    public const int MaxImageBytes = 1 << 20;

    private WebApplication? _app;

    public int Port { get; } = FreePort.Next();

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");

    public ConcurrentQueue<Img2ImgRequest> Requests { get; } = new();

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(BaseAddress.ToString());
        builder.Logging.ClearProviders();
        builder.Services.AddProblemDetails();
        _app = builder.Build();
        _app.MapPost(InferenceApi.Img2ImgPath, async (HttpRequest http) =>
        {
            var request = await http.ReadFromJsonAsync(InferenceJsonContext.Default.Img2ImgRequest);
            if (request is null || string.IsNullOrWhiteSpace(request.Prompt) || string.IsNullOrEmpty(request.Image))
            {
                return Results.Problem(statusCode: 400, title: "Bad request", detail: "image and prompt are required");
            }

            Requests.Enqueue(request);
            switch (request.Prompt)
            {
                case "fail:429":
                    http.HttpContext.Response.Headers.RetryAfter = "3";
                    return Results.Problem(statusCode: 429, title: "Queue full", detail: "automatic1111 queue is full (1 running, 4 waiting)");
                case "fail:502":
                    return Results.Problem(statusCode: 502, title: "Backend error", detail: "automatic1111 answered 500: CUDA out of memory");
                case "fail:504":
                    return Results.Problem(statusCode: 504, title: "Backend timeout", detail: "automatic1111 did not answer within 00:02:00");
            }

            var source = Convert.FromBase64String(request.Image);
            if (source.Length > MaxImageBytes)
            {
                return Results.Problem(statusCode: 413, title: "Image too large", detail: $"The image has {source.Length} bytes; the limit is {MaxImageBytes}.");
            }

            var hash = (uint)request.Prompt.GetHashCode(StringComparison.Ordinal);
            var png = Png.Solid(request.Width, request.Height, (byte)hash, (byte)(hash >> 8), (byte)(source.Length % 251));
            return Results.Json(
                new Img2ImgResult(Convert.ToBase64String(png), "image/png", request.Width, request.Height, InferenceApi.Backends.Local, null,
                    request.Seed ?? 42, request.Strength ?? 0.5, request.Style, 1.5, new Dictionary<string, string> { ["palette"] = "test" }),
                InferenceJsonContext.Default.Img2ImgResult);
        });
        await _app.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
