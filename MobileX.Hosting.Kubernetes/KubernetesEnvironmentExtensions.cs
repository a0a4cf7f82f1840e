using Aspire.Hosting.Pipelines;
using Microsoft.Extensions.DependencyInjection;

namespace MobileX.Hosting.Kubernetes;

/// <summary>
/// The target of <c>aspire publish</c>: a Helm chart and plain manifests for the whole app model. The shape of
/// Aspire.Hosting.Kubernetes's resource of the same name, which our registry does not serve.
/// </summary>
public sealed class KubernetesEnvironmentResource(string name) : Resource(name)
{
    /// <summary>The Helm chart's name and the <c>app.kubernetes.io/name</c> label.</summary>
    public string ChartName { get; set; } = "app";

    public string ChartDescription { get; set; } = "Published from a .NET Aspire app model.";

    public string ChartVersion { get; set; } = "0.1.0";

    /// <summary>Where the project images are pushed; values.yaml <c>images.registry</c>.</summary>
    public string ImageRegistry { get; set; } = "registry.example.com";

    /// <summary>The project images' tag; values.yaml <c>images.tag</c>.</summary>
    public string ImageTag { get; set; } = "latest";

    /// <summary>Put before every project image repository, as the build's <c>ContainerRepository</c> does (for example <c>shop/</c>).</summary>
    public string ImageRepositoryPrefix { get; set; } = string.Empty;

    /// <summary>A project-name prefix the image repository leaves out (for example <c>Shop.</c>: Shop.Api becomes api).</summary>
    public string? ProjectNamePrefix { get; set; }

    /// <summary>The Ingress host; values.yaml <c>ingress.host</c>.</summary>
    public string IngressHost { get; set; } = "app.example.com";

    /// <summary>
    /// The Secret holding the Ingress's TLS certificate (values.yaml <c>ingress.tls.secretName</c>); when set, TLS is on
    /// by default (<c>ingress.tls.enabled</c>), so the plain form carries the TLS block too.
    /// </summary>
    public string? IngressTlsSecretName { get; set; }

    /// <summary>A cert-manager ClusterIssuer (values.yaml <c>ingress.certManager.clusterIssuer</c>): when set, cert-manager fills the TLS Secret.</summary>
    public string? IngressClusterIssuer { get; set; }

    /// <summary>The image repository a project publishes to with <c>dotnet publish /t:PublishContainer</c>.</summary>
    public string ImageRepository(string projectName)
    {
        ArgumentException.ThrowIfNullOrEmpty(projectName);
        var name = ProjectNamePrefix is { Length: > 0 } prefix && projectName.StartsWith(prefix, StringComparison.Ordinal)
            ? projectName[prefix.Length..]
            : projectName;
        return ImageRepositoryPrefix + name.ToLowerInvariant();
    }

    public string ImageRepository(ProjectResource project)
    {
        ArgumentNullException.ThrowIfNull(project);
        return ImageRepository(Path.GetFileNameWithoutExtension(project.GetProjectMetadata().ProjectPath));
    }
}

public static class KubernetesEnvironmentExtensions
{
    /// <summary>The pipeline step that writes the chart and manifests; <c>--step publish</c> runs it.</summary>
    public const string PublishStepName = "publish-kubernetes";

    /// <summary>
    /// Adds a Kubernetes publishing target: at <c>aspire publish -o DIR</c> (or <c>dotnet run -- --operation publish
    /// --step publish --output-path DIR</c>) it writes <c>DIR/chart</c> and <c>DIR/manifests</c>.
    /// </summary>
    public static IResourceBuilder<KubernetesEnvironmentResource> AddKubernetesEnvironment(
        this IDistributedApplicationBuilder builder,
        [ResourceName] string name,
        Action<KubernetesEnvironmentResource>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);

        var environment = new KubernetesEnvironmentResource(name);
        configure?.Invoke(environment);

        builder.Pipeline.AddStep(PublishStepName, async context =>
        {
            // The output service is how a step learns --output-path; experimental in Aspire 13 like the pipeline itself.
#pragma warning disable ASPIREPIPELINES004
            var output = context.Services.GetRequiredService<IPipelineOutputService>().GetOutputDirectory();
#pragma warning restore ASPIREPIPELINES004
            var publisher = new KubernetesPublisher(environment, context.ExecutionContext, context.Logger);
            await publisher.WriteAsync(context.Model, output, context.CancellationToken).ConfigureAwait(false);
        }, requiredBy: WellKnownPipelineSteps.Publish);

        // The environment only matters when publishing; in a run it would be a dashboard row with no state.
        return builder.ExecutionContext.IsPublishMode
            ? builder.AddResource(environment).ExcludeFromManifest()
            : builder.CreateResourceBuilder(environment);
    }
}
