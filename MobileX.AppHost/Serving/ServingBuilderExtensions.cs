using MobileX.AppHost.Capture;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MobileX.AppHost.Infrastructure;
using MobileX.AppHost.Minio;
using MobileX.AppHost.Nats;

namespace MobileX.AppHost.Serving;

internal static class ServingBuilderExtensions
{
    /// <summary>
    /// Adds the API replicas and the gateway. Each replica is its own resource (<c>api-1</c>, <c>api-2</c>, …) rather
    /// than <c>WithReplicas</c>, whose single DCP proxy would hide the replicas from YARP's round robin.
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddServing(
        this IDistributedApplicationBuilder builder,
        IResourceBuilder<INatsServerResource> nats,
        IResourceBuilder<IMinioResource> minio,
        IResourceBuilder<ProjectResource> inference)
    {
        var replicas = builder.Configuration.GetValue("MobileX:Api:Replicas", 2);
        var stationCount = builder.Stations().Count;
        var port = builder.Configuration.GetValue("MobileX:Gateway:Port", 8080);

        var gateway = builder.AddService<Projects.MobileX_Gateway>("gateway")
            .WithEndpoint("http", e => e.Port = port)
            .WithExternalHttpEndpoints()
            .WithHttpHealthCheck("/health")
            .WithUrlForEndpoint("http", u => u.DisplayText = "MobileX (gateway)");

        for (var i = 1; i <= replicas; i++)
        {
            var name = $"api-{i}";
            var api = builder.AddService<Projects.MobileX_Api>(name)
                .WithReference(nats).WaitFor(nats)
                .WithReference(minio).WaitFor(minio)
                .WithReference(inference)
                .WithEnvironment("Api__InstanceName", name)
                // The API lists exactly the stations the AppHost runs, so none shows as unknown for ever.
                .WithEnvironment("Api__StationCount", stationCount.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .WithHttpHealthCheck("/health");

            // http://api-N is resolved by the gateway's service discovery into this replica's own endpoint.
            gateway.WithReference(api)
                .WithEnvironment($"ReverseProxy__Clusters__api__Destinations__{name}__Address", $"http://{name}");
        }

        builder.Eventing.Subscribe<ResourceReadyEvent>(gateway.Resource, (e, _) =>
        {
            var logger = e.Services.GetRequiredService<ILoggerFactory>().CreateLogger(AppHostLog.Category);
            AppHostLog.GatewayReady(logger, gateway.GetEndpoint("http").Url);
            return Task.CompletedTask;
        });

        return gateway;
    }
}
