using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using MobileX.Inference.Concurrency;
using MobileX.Inference.Tests.Doubles;

namespace MobileX.Inference.Tests;

/// <summary>AUTOMATIC1111 runs one job at a time: one more may wait, the next is told to come back later.</summary>
public sealed class ConcurrencyTests
{
    [Fact]
    public async Task With_one_running_and_the_queue_full_the_next_caller_gets_429_with_retry_after()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var webui = new Automatic1111Double { ResultImage = Img2Img.Camera, Behaviour = Automatic1111Double.Mode.Block, RequiredAuth = "mobilex:s3cret" };
        await webui.StartAsync(ct);
        await using var app = Automatic1111BackendTests.Adapter(webui.BaseUrl, timeout: "00:00:30", queueLimit: "1");
        var client = app.CreateClient();
        var gate = app.Services.GetRequiredService<BackendGate>();
        Assert.Equal(1, gate.Permits);

        var running = client.PostAsync(Img2Img.Request(seed: 1));
        await Automatic1111BackendTests.WaitUntilAsync(() => webui.Running == 1);
        var waiting = client.PostAsync(Img2Img.Request(seed: 2));
        await Automatic1111BackendTests.WaitUntilAsync(() => gate.Queued == 1);

        using var rejected = await client.PostAsync(Img2Img.Request(seed: 3));
        var detail = await rejected.ReadProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Contains("1 running and 1 waiting", detail, StringComparison.Ordinal);
        Assert.True(rejected.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), "Retry-After must be at least a second");
        Assert.Equal(1, webui.Running);

        webui.Release.SetResult();
        using var first = await running;
        using var second = await waiting;
        Assert.Equal(1, (await first.ReadResultAsync()).Seed);
        Assert.Equal(2, (await second.ReadResultAsync()).Seed);
        Assert.Equal(2, webui.Received.Count);
    }

    [Fact]
    public async Task A_caller_that_leaves_while_queued_frees_its_place_and_never_reaches_the_backend()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var webui = new Automatic1111Double { ResultImage = Img2Img.Camera, Behaviour = Automatic1111Double.Mode.Block, RequiredAuth = "mobilex:s3cret" };
        await webui.StartAsync(ct);
        await using var app = Automatic1111BackendTests.Adapter(webui.BaseUrl, timeout: "00:00:30", queueLimit: "1");
        var client = app.CreateClient();
        var gate = app.Services.GetRequiredService<BackendGate>();

        var running = client.PostAsync(Img2Img.Request(seed: 1));
        await Automatic1111BackendTests.WaitUntilAsync(() => webui.Running == 1);
        using var leave = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var queued = client.PostAsJsonAsync(MobileX.Contracts.InferenceApi.Img2ImgPath, Img2Img.Request(seed: 2), MobileX.Contracts.InferenceJsonContext.Default.Img2ImgRequest, leave.Token);
        await Automatic1111BackendTests.WaitUntilAsync(() => gate.Queued == 1);

        await leave.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued);
        await Automatic1111BackendTests.WaitUntilAsync(() => gate.Queued == 0);

        webui.Release.SetResult();
        using var first = await running;
        Assert.Equal(1, (await first.ReadResultAsync()).Seed);
        Assert.Single(webui.Received);
    }
}
