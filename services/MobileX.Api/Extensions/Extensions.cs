using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using MobileX.Api.Avatars;
using MobileX.Api.Inference;
using MobileX.Api.Stations;
using MobileX.Messaging;
using MobileX.Resilience;

namespace MobileX.Api.Extensions;

public static class Extensions
{
    /// <summary>The response header naming the replica that served a request.</summary>
    public const string InstanceHeader = "X-MobileX-Instance";

    /// <summary>Registers options, NATS, S3, the station directory, the inference client and the avatar workflow.</summary>
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddNatsClient("nats");
        builder.AddNatsJetStream();
        builder.AddS3Client("minio");

        builder.Services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.SectionName).ValidateDataAnnotations().ValidateOnStart()
            .PostConfigure(o => o.InstanceName ??= builder.Configuration["OTEL_SERVICE_NAME"] ?? Environment.MachineName);
        builder.Services.AddOptions<InferenceOptions>().BindConfiguration(InferenceOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<StreamOptions>().BindConfiguration(StreamOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        // Start-up retries: the RetryOptions defaults, 200 ms doubling up to 10 s.
        builder.Services.AddRetryOptions(ApiOptions.StartupSectionName);

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<StationDirectory>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<StationDirectory>());
        builder.Services.AddHealthChecks().AddCheck<StationDirectoryHealthCheck>("stations");
        builder.Services.AddSingleton<LatestFrameCache>();
        builder.Services.AddScoped<AvatarService>();

        // One img2img job can outlast the default 10-second attempt timeout by far; the budget is the configured one.
#pragma warning disable EXTEXP0001 // Replacing the defaults' handler is the documented way to give one client its own budget.
        builder.Services.AddHttpClient<InferenceClient>((sp, http) => http.BaseAddress = sp.GetRequiredService<IOptions<InferenceOptions>>().Value.BaseAddress)
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

        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi();
    }

    /// <summary>Adds <see cref="InstanceHeader"/> to every response, errors and health probes included.</summary>
    public static IApplicationBuilder UseInstanceHeader(this IApplicationBuilder app)
    {
        var instance = app.ApplicationServices.GetRequiredService<IOptions<ApiOptions>>().Value.InstanceName!;
        return app.Use((context, next) =>
        {
            context.Response.Headers[InstanceHeader] = instance;
            return next(context);
        });
    }
}
