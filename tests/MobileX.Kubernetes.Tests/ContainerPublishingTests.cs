using MobileX.Hosting.Kubernetes;
using MobileX.Testing;

namespace MobileX.Kubernetes.Tests;

public sealed class ContainerPublishingTests
{
    /// <summary>As the AppHost's Program.cs configures its Kubernetes environment.</summary>
    private static readonly KubernetesEnvironmentResource Environment = new("k8s") { ImageRepositoryPrefix = "mobilex/", ProjectNamePrefix = "MobileX." };

    /// <summary>The chart names the image the build produces: MSBuild's ContainerRepository and the publisher agree.</summary>
    [Fact]
    public async Task The_chart_names_the_repository_dotnet_publish_pushes()
    {
        var project = Path.Combine(RepositoryPaths.Root, "services", "MobileX.Contracts", "MobileX.Contracts.csproj");
        var result = await ProcessRunner.RunAsync("dotnet",
            ["msbuild", project, "-getProperty:ContainerRepository", "-getProperty:ContainerUser", "-getProperty:EnableSdkContainerSupport"],
            RepositoryPaths.Root, TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"\"ContainerRepository\": \"{Environment.ImageRepository("MobileX.Contracts")}\"", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("\"ContainerUser\": \"1654\"", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("\"EnableSdkContainerSupport\": \"true\"", result.StandardOutput, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("MobileX.Api", "mobilex/api")]
    [InlineData("MobileX.Preprocessor", "mobilex/preprocessor")]
    [InlineData("Other", "mobilex/other")]
    public void Repositories_drop_the_product_prefix(string project, string repository) =>
        Assert.Equal(repository, Environment.ImageRepository(project));
}
