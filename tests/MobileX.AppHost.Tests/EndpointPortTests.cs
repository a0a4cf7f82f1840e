using System.Text.Json;
using System.Text.RegularExpressions;
using MobileX.Testing;

namespace MobileX.AppHost.Tests;

/// <summary>
/// No two resources can share an endpoint port: service projects get ports from DCP, and the few fixed ports the
/// AppHost sets are distinct. Two launch profiles on one port once sent the API's inference calls to a preprocessor.
/// </summary>
public sealed partial class EndpointPortTests : IDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("mobilex-ports-").FullName;

    public void Dispose() => Directory.Delete(_state, recursive: true);

    [Fact]
    public async Task Every_fixed_port_in_the_default_model_is_distinct_and_only_the_gateway_fixes_a_service_port()
    {
        var ct = TestContext.Current.CancellationToken;
        // The default settings (no port overrides): the ports a user's `./mobilex.sh run` gets.
        await using var appHost = await DistributedApplicationTestingBuilder.CreateAsync<Projects.MobileX_AppHost>(
            ["MobileX:Infrastructure=Local", $"MobileX:StateDirectory={_state}", "MobileX:S3:Server=s3rver"], ct);

        var endpoints = appHost.Resources
            .SelectMany(r => r.Annotations.OfType<EndpointAnnotation>().Select(e => (Resource: r, Endpoint: e)))
            .ToList();
        var projects = appHost.Resources.OfType<ProjectResource>().ToList();
        Assert.Contains(projects, p => p.Name == "inference");
        Assert.Contains(projects, p => p.Name == "preprocessor");

        var fixedPorts = endpoints.Where(e => e.Endpoint.Port is not null).ToList();
        var shared = fixedPorts.GroupBy(e => e.Endpoint.Port).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(e => $"{e.Resource.Name}/{e.Endpoint.Name}"))}")
            .ToList();
        Assert.True(shared.Count == 0, $"resources share ports: {string.Join("; ", shared)}");

        var projectFixed = fixedPorts.Where(e => e.Resource is ProjectResource && e.Resource.Name != "gateway")
            .Select(e => $"{e.Resource.Name}/{e.Endpoint.Name}={e.Endpoint.Port}")
            .ToList();
        Assert.True(projectFixed.Count == 0, $"service projects with a fixed port (from a launch profile?): {string.Join(", ", projectFixed)}");

        foreach (var project in projects)
        {
            Assert.Single(project.Annotations.OfType<EndpointAnnotation>(), e => e.Name == "http");
        }

        var gateway = Assert.Single(endpoints, e => e.Resource.Name == "gateway");
        Assert.Equal(8080, gateway.Endpoint.Port);
    }

    [Fact]
    public void Launch_profiles_of_the_services_name_distinct_ports_for_running_one_service_alone()
    {
        var ports = Directory.EnumerateFiles(RepositoryPaths.Root, "launchSettings.json", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(file => ApplicationUrls(file).Select(url => (File: Path.GetRelativePath(RepositoryPaths.Root, file), Port: PortOf(url))))
            .ToList();

        Assert.NotEmpty(ports);
        var shared = ports.GroupBy(p => p.Port).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(p => p.File))}")
            .ToList();
        Assert.True(shared.Count == 0, $"launch profiles share ports: {string.Join("; ", shared)}");
    }

    private static IEnumerable<string> ApplicationUrls(string file)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(file));
        if (!document.RootElement.TryGetProperty("profiles", out var profiles))
        {
            yield break;
        }

        foreach (var profile in profiles.EnumerateObject())
        {
            if (profile.Value.TryGetProperty("applicationUrl", out var urls))
            {
                foreach (var url in urls.GetString()!.Split(';', StringSplitOptions.RemoveEmptyEntries))
                {
                    yield return url;
                }
            }
        }
    }

    private static int PortOf(string url) => int.Parse(PortPattern().Match(url).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    [GeneratedRegex(@":(\d+)/?$")]
    private static partial Regex PortPattern();
}
