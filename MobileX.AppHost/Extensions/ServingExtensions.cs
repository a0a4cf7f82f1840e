using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MobileX.Contracts;

namespace MobileX.AppHost.Extensions;

/// <summary>Wiring of the serving side: the inference backend's settings and the gateway's destinations.</summary>
public static class ServingExtensions
{
    /// <summary>Configuration key naming the backend: local (default), automatic1111 or comfyui.</summary>
    public const string BackendKey = "MobileX:Inference:Backend";

    /// <summary>
    /// Selects the backend from <see cref="BackendKey"/>. A Stable Diffusion backend adds parameters for its URL (and,
    /// for AUTOMATIC1111, a secret Basic-auth password), so no address or secret is written in code and the local run
    /// needs none.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithInferenceBackend(this IResourceBuilder<ProjectResource> inference)
    {
        ArgumentNullException.ThrowIfNull(inference);
        var builder = inference.ApplicationBuilder;
        var backend = builder.Configuration[BackendKey] is { Length: > 0 } configured ? configured : InferenceApi.Backends.Local;
        inference.WithEnvironment("Inference__Backend", backend);
        switch (backend)
        {
            case InferenceApi.Backends.Automatic1111:
                inference
                    .WithEnvironment("Inference__Automatic1111__BaseUrl", builder.AddParameter("a1111-url"))
                    .WithEnvironment("Inference__Automatic1111__UserName", builder.AddParameter("a1111-user"))
                    .WithEnvironment("Inference__Automatic1111__Password", builder.AddParameter("a1111-password", secret: true));
                break;
            case InferenceApi.Backends.ComfyUI:
                inference.WithEnvironment("Inference__ComfyUI__BaseUrl", builder.AddParameter("comfyui-url"));
                break;
        }

        return inference;
    }

    /// <summary>The parameter names of the API keys; <c>mobilex credentials</c> prints them from the user secrets.</summary>
    public const string ApiKeyParameter = "api-key";
    public const string ApiReadKeyParameter = "api-read-key";

    /// <summary>
    /// The read-write and the read-only API key as generated secret parameters (22 letters and digits), in the model so
    /// the dashboard shows them; the local run keeps them in the AppHost's user secrets.
    /// </summary>
    public static (IResourceBuilder<ParameterResource> ApiKey, IResourceBuilder<ParameterResource> ReadKey) AddApiKeys(this IDistributedApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var key = builder.AddResource(ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, ApiKeyParameter, special: false));
        var readKey = builder.AddResource(ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, ApiReadKeyParameter, special: false));
        return (key, readKey);
    }

    /// <summary>Passes both keys to an API replica as <c>Api:Auth:ApiKey</c> and <c>Api:Auth:ReadApiKey</c>.</summary>
    public static IResourceBuilder<ProjectResource> WithApiKeys(this IResourceBuilder<ProjectResource> api, IResourceBuilder<ParameterResource> key, IResourceBuilder<ParameterResource> readKey)
    {
        ArgumentNullException.ThrowIfNull(api);
        return api.WithEnvironment("Api__Auth__ApiKey", key).WithEnvironment("Api__Auth__ReadApiKey", readKey);
    }

    /// <summary>Adds <paramref name="api"/> to the gateway's round robin; <c>http://api-N</c> resolves to that replica by service discovery.</summary>
    public static IResourceBuilder<ProjectResource> WithApiDestination(this IResourceBuilder<ProjectResource> gateway, IResourceBuilder<ProjectResource> api)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        ArgumentNullException.ThrowIfNull(api);
        return gateway.WithReference(api)
            .WithEnvironment($"ReverseProxy__Clusters__api__Destinations__{api.Resource.Name}__Address", $"http://{api.Resource.Name}");
    }

    /// <summary>Says in the AppHost's log where the system can be used once the gateway is ready.</summary>
    public static IResourceBuilder<ProjectResource> LogUrlWhenReady(this IResourceBuilder<ProjectResource> gateway)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        gateway.ApplicationBuilder.Eventing.Subscribe<ResourceReadyEvent>(gateway.Resource, (e, _) =>
        {
            var logger = e.Services.GetRequiredService<ILoggerFactory>().CreateLogger(AppHostLog.Category);
            AppHostLog.GatewayReady(logger, gateway.GetEndpoint("http").Url);
            return Task.CompletedTask;
        });
        return gateway;
    }
}
