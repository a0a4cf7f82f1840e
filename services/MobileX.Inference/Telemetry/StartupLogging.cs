using Microsoft.Extensions.Options;
using MobileX.Inference.Concurrency;

namespace MobileX.Inference.Telemetry;

/// <summary>What the adapter says once when it starts.</summary>
public static class StartupLogging
{
    /// <summary>Logs which backend serves, once, when the app has started.</summary>
    public static WebApplication LogBackendOnStart(this WebApplication app)
    {
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var options = app.Services.GetRequiredService<IOptions<InferenceOptions>>().Value;
            var gate = app.Services.GetRequiredService<BackendGate>();
            InferenceLog.BackendReady(app.Logger, options.Backend, gate.Permits, gate.QueueLimit, options.Timeout);
        });
        return app;
    }
}
