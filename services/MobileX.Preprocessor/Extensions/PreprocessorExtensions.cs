using MobileX.Messaging;
using MobileX.Preprocessor;
using MobileX.Preprocessor.Imaging;
using MobileX.Preprocessor.Processing;
using MobileX.Preprocessor.Telemetry;
using MobileX.Resilience;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

public static class PreprocessorExtensions
{
    /// <summary>Adds the NATS and S3 clients, validated options, telemetry and the consuming worker.</summary>
    public static IHostApplicationBuilder AddPreprocessor(this IHostApplicationBuilder builder)
    {
        builder.AddNatsClient("nats");
        builder.AddNatsJetStream();
        builder.AddS3Client("minio");

        builder.Services.AddOptions<PreprocessorOptions>()
            .BindConfiguration(PreprocessorOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<PreprocessorOptions>, PreprocessorOptionsValidator>();
        // Nak delays: 1 s doubling per delivery up to 30 s, no jitter. Start-up: the RetryOptions defaults, 200 ms doubling up to 10 s.
        builder.Services.AddRetryOptions(PreprocessorOptions.SectionName, o => (o.RetryDelay, o.MaxRetryDelay) = (TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30)));
        builder.Services.AddRetryOptions(PreprocessorOptions.StartupSectionName);
        builder.Services.AddOptions<StreamOptions>()
            .BindConfiguration(StreamOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<PreprocessorTelemetry>();
        builder.Services.AddSingleton<FaceMemory>(sp => new FaceMemory(sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<FrameHandler>();
        builder.Services.AddSingleton<PreprocessorWorker>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<PreprocessorWorker>());
        builder.Services.AddHealthChecks().AddCheck<PreprocessorWorkerHealthCheck>("preprocessor-worker");
        return builder;
    }
}
