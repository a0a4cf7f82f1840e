namespace MobileX.AppHost.Kubernetes;

/// <summary>
/// The image repository a project publishes to with <c>dotnet publish /t:PublishContainer</c>. services/Directory.Build.props
/// sets <c>ContainerRepository</c> by the same rule, so the chart names the image the build produced.
/// </summary>
public static class ContainerPublishing
{
    public const string RepositoryPrefix = "mobilex/";

    /// <summary><c>services/MobileX.Api/MobileX.Api.csproj</c> publishes <c>mobilex/api</c>; replicas of one project share it.</summary>
    public static string Repository(ProjectResource project)
    {
        ArgumentNullException.ThrowIfNull(project);
        var projectName = Path.GetFileNameWithoutExtension(project.GetProjectMetadata().ProjectPath);
        return Repository(projectName);
    }

    public static string Repository(string projectName)
    {
        ArgumentException.ThrowIfNullOrEmpty(projectName);
        var name = projectName.StartsWith("MobileX.", StringComparison.Ordinal) ? projectName["MobileX.".Length..] : projectName;
        return RepositoryPrefix + name.ToLowerInvariant();
    }
}
