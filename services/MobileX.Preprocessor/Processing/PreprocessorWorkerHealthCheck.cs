using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MobileX.Preprocessor.Processing;

/// <summary>Ready once the worker has its stream, bucket and consumer and EVENTS exists; unhealthy if its loop has stopped.</summary>
internal sealed class PreprocessorWorkerHealthCheck(PreprocessorWorker worker) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(worker.ExecuteTask switch
        {
            { IsFaulted: true } task => HealthCheckResult.Unhealthy("The preprocessor worker failed.", task.Exception),
            { IsCompleted: true } => HealthCheckResult.Unhealthy("The preprocessor worker has stopped."),
            _ when !worker.IsConsuming => HealthCheckResult.Unhealthy("The preprocessor worker is still creating FRAMES, its bucket and consumer, or waiting for EVENTS (the API's)."),
            _ => HealthCheckResult.Healthy("Consuming raw frames."),
        });
}
