using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using MobileX.Testing;

namespace MobileX.Inference.Tests.Doubles;

/// <summary>A real Kestrel server on a free loopback port, for backend doubles that speak real HTTP.</summary>
public abstract class LoopbackServer : IAsyncDisposable
{
    private WebApplication? _app;

    public Uri BaseUrl { get; private set; } = null!;

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        Map(_app);
        await _app.StartAsync(cancellationToken);
        BaseUrl = new Uri($"http://127.0.0.1:{port}/");
    }

    protected abstract void Map(WebApplication app);

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}
