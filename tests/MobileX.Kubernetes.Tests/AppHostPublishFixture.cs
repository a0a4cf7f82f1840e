using System.Security.Cryptography;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using MobileX.Testing;

namespace MobileX.Kubernetes.Tests;

/// <summary>
/// Publishes the real AppHost exactly as docs/kubernetes.md says (<c>dotnet run --project MobileX.AppHost --
/// --operation publish --step publish --output-path DIR</c>), with secret parameter values the run could read,
/// and loads the AppHost's own model in publish mode to compare against.
/// </summary>
public sealed class AppHostPublishFixture : IAsyncLifetime, IPublishFixture
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    public string OutputDirectory { get; } = Directory.CreateTempSubdirectory("mobilex-k8s-apphost-").FullName;

    /// <summary>Values given to this publish, plus any a local run stored in the AppHost's user secrets.</summary>
    private readonly List<string> _secretValues = [.. Enumerable.Range(0, 4).Select(_ => RandomNumberGenerator.GetHexString(24, lowercase: true))];

    public IReadOnlyList<string> SecretValues => _secretValues;

    public PublishedOutput Output { get; private set; } = null!;
    public DistributedApplicationModel Model { get; private set; } = null!;
    public DistributedApplicationExecutionContext ExecutionContext { get; private set; } = null!;
    private IDistributedApplicationTestingBuilder? _appHost;

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        string[] publish = ["--operation", "publish", "--step", "publish", "--output-path", OutputDirectory];
        string[] secrets =
        [
            $"--Parameters:nats-password={SecretValues[0]}",
            $"--Parameters:minio-rootPassword={SecretValues[1]}",
            // The coverage model's own NATS and MinIO passwords.
            $"--Parameters:nats-model-coverage-password={SecretValues[2]}",
            $"--Parameters:minio-model-coverage-password={SecretValues[3]}",
        ];

        var result = await ProcessRunner.RunAsync(
            "dotnet",
            ["run", "--project", "MobileX.AppHost", "--no-build", "-c", Configuration, "--", .. publish, .. secrets],
            RepositoryPaths.Root,
            TimeSpan.FromMinutes(3),
            ct);
        Assert.True(result.ExitCode == 0, $"The publish failed: {result}");
        Output = new PublishedOutput(OutputDirectory);

        _secretValues.AddRange(LocalRunSecrets());
        _appHost = await DistributedApplicationTestingBuilder.CreateAsync<Projects.MobileX_AppHost>([.. publish, .. secrets], ct);
        ExecutionContext = _appHost.ExecutionContext;
        Assert.True(ExecutionContext.IsPublishMode);
        Model = new DistributedApplicationModel(_appHost.Resources);
    }

    public async ValueTask DisposeAsync()
    {
        if (_appHost is not null)
        {
            await _appHost.DisposeAsync();
        }

        Directory.Delete(OutputDirectory, recursive: true);
    }

    /// <summary>Parameter values a local run generated and kept in the AppHost's user secrets, if it ever ran here.</summary>
    private static IEnumerable<string> LocalRunSecrets()
    {
        var file = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile),
            ".microsoft", "usersecrets", "6f0c5b8e-3a9d-4c1e-9b7a-2d6e1f4a8c30", "secrets.json");
        if (!File.Exists(file))
        {
            return [];
        }

        using var document = JsonDocument.Parse(File.ReadAllText(file));
        return document.RootElement.EnumerateObject()
            .Where(p => p.Name.StartsWith("Parameters:", StringComparison.Ordinal) && p.Value.ValueKind == JsonValueKind.String)
            .Select(p => p.Value.GetString()!)
            .ToList();
    }
}

[CollectionDefinition(Name)]
public sealed class AppHostPublishCollection : ICollectionFixture<AppHostPublishFixture>
{
    public const string Name = "k8s-apphost";
}
