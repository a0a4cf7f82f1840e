using MobileX.AppHost.Infrastructure;
using MobileX.Contracts;

namespace MobileX.AppHost.Inference;

/// <summary>The inference adapter resource and the settings of the backend it fronts.</summary>
public static class InferenceBuilderExtensions
{
    /// <summary>Configuration key naming the backend: local (default), automatic1111 or comfyui.</summary>
    public const string BackendKey = "MobileX:Inference:Backend";

    /// <summary>
    /// Adds the adapter project. The backend comes from <see cref="BackendKey"/>; a Stable Diffusion backend adds
    /// parameters for its URL (and, for AUTOMATIC1111, a secret Basic-auth password), so no address or secret is
    /// written in code and the local run needs none.
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddInferenceAdapter(this IDistributedApplicationBuilder builder, string name)
    {
        var backend = builder.Configuration[BackendKey] is { Length: > 0 } configured ? configured : InferenceApi.Backends.Local;
        var inference = builder.AddService<Projects.MobileX_Inference>(name)
            .WithEnvironment("Inference__Backend", backend)
            .WithHttpHealthCheck("/health");

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
}
