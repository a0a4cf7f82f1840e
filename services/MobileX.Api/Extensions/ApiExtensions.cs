using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using MobileX.Api.Auth;
using MobileX.Api.Avatars;
using MobileX.Api.Coverage;
using MobileX.Api.Inference;
using MobileX.Api.Lake;
using MobileX.Api.Stations;
using MobileX.Messaging;
using MobileX.Resilience;

namespace MobileX.Api.Extensions;

/// <summary>DI for the API.</summary>
public static class ApiExtensions
{
    /// <summary>
    /// Registers options, NATS, S3, the station directory, lake downloads, the coverage subscription, the inference
    /// client and the avatar workflow.
    /// </summary>
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddNatsClient("nats");
        builder.AddNatsJetStream();
        // The presigner signs with the store client's own credentials for another endpoint, so it keeps a copy.
        S3ClientSettings? s3Settings = null;
        builder.AddS3Client("minio", settings => s3Settings = settings);
        builder.Services.AddSingleton(new LakeSigningSettings(s3Settings!));

        builder.Services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.SectionName).ValidateDataAnnotations().ValidateOnStart()
            .PostConfigure(o => o.InstanceName ??= builder.Configuration["OTEL_SERVICE_NAME"] ?? Environment.MachineName);
        builder.Services.AddOptions<InferenceOptions>().BindConfiguration(InferenceOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<LakeOptions>().BindConfiguration(LakeOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<LakeOptions>, LakeOptionsValidator>();
        builder.Services.AddOptions<StreamOptions>().BindConfiguration(StreamOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        // Start-up retries: the RetryOptions defaults, 200 ms doubling up to 10 s.
        builder.Services.AddRetryOptions(ApiOptions.StartupSectionName);

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<StationDirectory>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<StationDirectory>());
        builder.Services.AddHealthChecks().AddCheck<StationDirectoryHealthCheck>("stations");
        builder.Services.AddSingleton<LatestFrameCache>();
        builder.Services.AddSingleton<LakeStore>();
        builder.Services.AddSingleton<LatestCoverage>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<LatestCoverage>());
        builder.Services.AddScoped<AvatarService>();
        builder.Services.AddInferenceClient();

        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi();

        // Only the gateway's forwarded headers count: loopback in the local run, Api:TrustedProxies in a cluster.
        builder.AddTrustedProxies(ApiOptions.TrustedProxiesSetting, "127.0.0.0/8", "::1");
        builder.AddApiAuthentication();
    }

    /// <summary>The typed client of the inference adapter, with a resilience budget sized for one img2img job.</summary>
    private static void AddInferenceClient(this IServiceCollection services)
    {
        // One img2img job can outlast the default 10-second attempt timeout by far; the budget is the configured one.
#pragma warning disable EXTEXP0001 // Replacing the defaults' handler is the documented way to give one client its own budget.
        services.AddHttpClient<InferenceClient>((sp, http) => http.BaseAddress = sp.GetRequiredService<IOptions<InferenceOptions>>().Value.BaseAddress)
            .RemoveAllResilienceHandlers()
            .AddStandardResilienceHandler()
            .Configure((HttpStandardResilienceOptions o, IServiceProvider sp) =>
            {
                var timeout = sp.GetRequiredService<IOptions<InferenceOptions>>().Value.Timeout;
                o.AttemptTimeout.Timeout = timeout;
                o.TotalRequestTimeout.Timeout = timeout + timeout;
                o.CircuitBreaker.SamplingDuration = timeout + timeout + timeout;
                o.Retry.MaxRetryAttempts = 2;
                // 429, 502 and 504 are the adapter's deliberate answers (queue full, backend error, backend timeout)
                // and go back to the client; only an unreachable or restarting adapter is retried.
                o.Retry.ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is HttpRequestException or Polly.Timeout.TimeoutRejectedException
                    || args.Outcome.Result?.StatusCode == System.Net.HttpStatusCode.ServiceUnavailable);
            });
#pragma warning restore EXTEXP0001
    }
}
