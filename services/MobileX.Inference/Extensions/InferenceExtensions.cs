using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using MobileX.Contracts;
using MobileX.Inference.Backends;
using MobileX.Inference.Backends.Automatic1111;
using MobileX.Inference.Backends.ComfyUI;
using MobileX.Inference.Backends.Local;
using MobileX.Inference.Concurrency;
using MobileX.Inference.Img2Img;
using MobileX.Inference.Telemetry;

namespace MobileX.Inference.Extensions;

/// <summary>DI for the inference adapter.</summary>
public static class InferenceExtensions
{
    /// <summary>Adds validated options, the configured backend, its concurrency gate, telemetry and problem details.</summary>
    public static IHostApplicationBuilder AddInference(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<InferenceOptions>().BindConfiguration(InferenceOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<InferenceOptions>, InferenceOptionsValidator>();
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<InferenceOptions>>(
            (kestrel, inference) => kestrel.Limits.MaxRequestBodySize = Img2ImgApi.BodyLimit(inference.Value));

        services.AddProblemDetails();
        services.AddSingleton<BackendGate>();
        services.AddSingleton<InferenceTelemetry>();
        services.AddSingleton<LocalBackend>();

        // The ServiceDefaults resilience handler retries and caps attempts at 10 s: wrong for a minute-long,
        // non-idempotent SD job. The adapter's own timeout and the caller's cancellation govern these calls.
        services.AddHttpClient<Automatic1111Backend>(http => http.Timeout = Timeout.InfiniteTimeSpan).RemoveAllResilienceHandlers();
        services.AddHttpClient<ComfyUIBackend>(http => http.Timeout = Timeout.InfiniteTimeSpan).RemoveAllResilienceHandlers();

        // Loaded once: the template is start-up work, not per-request work.
        services.AddSingleton(sp => WorkflowTemplate.Load(WorkflowTemplate.Resolve(sp.GetRequiredService<IOptions<InferenceOptions>>().Value.ComfyUI.WorkflowPath)));

        // Transient, so each job gets a typed HttpClient from the factory and its handler rotation (DNS changes).
        services.AddTransient<IImg2ImgBackend>(sp => sp.GetRequiredService<IOptions<InferenceOptions>>().Value.Backend switch
        {
            InferenceApi.Backends.Automatic1111 => sp.GetRequiredService<Automatic1111Backend>(),
            InferenceApi.Backends.ComfyUI => sp.GetRequiredService<ComfyUIBackend>(),
            _ => sp.GetRequiredService<LocalBackend>(),
        });
        return builder;
    }
}
