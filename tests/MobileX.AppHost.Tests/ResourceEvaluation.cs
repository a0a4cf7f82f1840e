using Microsoft.Extensions.Logging.Abstractions;

namespace MobileX.AppHost.Tests;

/// <summary>Evaluates a resource's arguments and environment the way DCP would at run time.</summary>
internal static class ResourceEvaluation
{
    public static async Task<List<string>> ArgsAsync(IResource resource, DistributedApplicationOperation operation = DistributedApplicationOperation.Run)
    {
        var configuration = await ExecutionConfigurationBuilder.Create(resource)
            .WithArgumentsConfig()
            .BuildAsync(new DistributedApplicationExecutionContext(operation), NullLogger.Instance, CancellationToken.None);
        if (configuration.Exception is not null)
        {
            throw configuration.Exception;
        }

        return configuration.Arguments.Select(a => a.Value).ToList();
    }

    public static async Task<Dictionary<string, string>> EnvironmentAsync(IResource resource, DistributedApplicationOperation operation = DistributedApplicationOperation.Run)
    {
        var configuration = await ExecutionConfigurationBuilder.Create(resource)
            .WithEnvironmentVariablesConfig()
            .BuildAsync(new DistributedApplicationExecutionContext(operation), NullLogger.Instance, CancellationToken.None);
        if (configuration.Exception is not null)
        {
            throw configuration.Exception;
        }

        return configuration.EnvironmentVariables.ToDictionary();
    }

    /// <summary>Gives an endpoint the address DCP would, so connection strings can be evaluated without running.</summary>
    public static void Allocate(IResourceWithEndpoints resource, string endpointName, int port)
    {
        var endpoint = resource.Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == endpointName);
        endpoint.AllocatedEndpoint = new AllocatedEndpoint(endpoint, "localhost", port);
    }
}

/// <summary>An AppHost builder for model-only tests: nothing is started, so no DCP or dashboard is needed.</summary>
internal static class ModelBuilder
{
    public static IDistributedApplicationBuilder Create(params string[] args) =>
        DistributedApplication.CreateBuilder(new DistributedApplicationOptions { Args = args, DisableDashboard = true });
}
