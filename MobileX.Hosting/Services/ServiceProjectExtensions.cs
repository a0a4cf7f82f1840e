namespace MobileX.Hosting.Services;

/// <summary>How every MobileX service project joins the model.</summary>
public static class ServiceProjectExtensions
{
    /// <summary>
    /// Adds a service project without its launch profile, with one <c>http</c> endpoint whose port DCP allocates.
    /// </summary>
    /// <remarks>
    /// A launch profile's <c>applicationUrl</c> port becomes the port of the resource's DCP proxy. Two profiles that
    /// named the same port gave two resources one proxy port, and calls meant for inference reached a preprocessor
    /// (a Kestrel 404, seen as random avatar 502s). Leaving every port to DCP makes them distinct by construction;
    /// a fixed port, such as the gateway's public one, is set explicitly in the AppHost and checked by a test.
    /// The launch profiles stay for running one service alone with <c>dotnet run</c>.
    /// </remarks>
    public static IResourceBuilder<ProjectResource> AddService<TProject>(this IDistributedApplicationBuilder builder, string name)
        where TProject : IProjectMetadata, new()
    {
        ArgumentNullException.ThrowIfNull(builder);
        var project = builder.AddProject<TProject>(name, launchProfileName: null).WithHttpEndpoint(name: "http");
        if (builder.ExecutionContext.IsRunMode)
        {
            // What the launch profile set besides the URL: the environment the AppHost itself runs in. Run-only, so
            // a published manifest never carries the developer's "Development" into a cluster.
            project.WithEnvironment("ASPNETCORE_ENVIRONMENT", builder.Environment.EnvironmentName);
        }

        return project;
    }
}
