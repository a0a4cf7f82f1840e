using System.Security.Cryptography;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using MobileX.Hosting.Kubernetes;
using MobileX.Hosting.Kubernetes.Model;
using MobileX.Hosting.Minio;
using MobileX.Hosting.Nats;

namespace MobileX.Kubernetes.Tests;

/// <summary>
/// The full system as the design card draws it (capture, preprocessor x2, inference, api x2, gateway over NATS and
/// MinIO), built here so the autoscaling, KEDA, Ingress and headless annotations are tested on a model of their own. Published once through the real pipeline step, with known secret values in configuration.
/// </summary>
public sealed class ScenarioFixture : IAsyncLifetime, IPublishFixture
{
    public string OutputDirectory { get; } = Directory.CreateTempSubdirectory("mobilex-k8s-scenario-").FullName;

    /// <summary>Secret values the publish could read; none may appear in its output.</summary>
    public IReadOnlyList<string> SecretValues { get; } = [RandomValue(), RandomValue(), RandomValue()];

    public PublishedOutput Output { get; private set; } = null!;
    public DistributedApplicationModel Model { get; private set; } = null!;
    public DistributedApplicationExecutionContext ExecutionContext { get; private set; } = null!;
    private readonly string _projects = Directory.CreateTempSubdirectory("mobilex-k8s-projects-").FullName;
    private DistributedApplication? _app;

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        // A plain builder, not the testing one: that one needs an AppHost assembly, and a publish starts nothing.
        var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions
        {
            DisableDashboard = true,
            Args =
            [
            "--operation", "publish", "--step", "publish", "--output-path", OutputDirectory,
            $"--Parameters:nats-password={SecretValues[0]}",
            $"--Parameters:minio-rootPassword={SecretValues[1]}",
            $"--Parameters:inference-api-key={SecretValues[2]}",
            ],
        });

        var nats = builder.AddNats("nats").WithJetStream().WithDataVolume().WithKubernetesCluster(replicasSetting: "Streams__Replicas");
        var minio = builder.AddMinio("minio").WithDataVolume();
        var stations = builder.AddParameter("station-count", "10");
        var apiKey = builder.AddParameter("inference-api-key", secret: true);

        builder.AddProject("capture", ProjectPath("Capture"))
            .WithHttpEndpoint()
            .WithEnvironment("Capture__Stations", stations)
            .WithReference(nats).WithReference(minio);
        // No endpoint in the model, like a worker: it still serves its probes on 8080.
        builder.AddProject("preprocessor", ProjectPath("Preprocessor"))
            .WithReplicas(2)
            .WithReference(nats).WithReference(minio)
            .WithHorizontalAutoscaler()
            .WithKedaJetStreamScaler(nats, "FRAMES", "preprocessor");
        // An https endpoint as a launch profile gives: TLS ends at the Ingress, so the cluster serves only http.
        var inference = builder.AddProject("inference", ProjectPath("Inference"))
            .WithHttpEndpoint()
            .WithHttpsEndpoint()
            .WithEnvironment("Inference__ApiKey", apiKey);
        var api = builder.AddProject("api", ProjectPath("Api"))
            .WithHttpEndpoint()
            .WithReplicas(2)
            .WithReference(nats).WithReference(minio).WithReference(inference)
            .WithHorizontalAutoscaler()
            .WithKubernetesHeadlessService();
        builder.AddProject("gateway", ProjectPath("Gateway"))
            .WithHttpEndpoint()
            .WithExternalHttpEndpoints()
            .WithKubernetesIngress()
            .WithReference(api);
        // TLS on by default here, with cert-manager: the plain form (the chart's defaults) carries both.
        builder.AddKubernetesEnvironment("k8s", k8s =>
        {
            k8s.ImageRepositoryPrefix = "mobilex/";
            k8s.IngressTlsSecretName = "scenario-tls";
            k8s.IngressClusterIssuer = "letsencrypt";
        });

        _app = builder.Build();
        Model = _app.Services.GetRequiredService<DistributedApplicationModel>();
        ExecutionContext = _app.Services.GetRequiredService<DistributedApplicationExecutionContext>();
        Assert.True(ExecutionContext.IsPublishMode);

        // In publish mode the application runs its pipeline and stops.
        await _app.RunAsync(ct);
        Output = new PublishedOutput(OutputDirectory);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        // MOBILEX_KEEP_K8S_OUTPUT=1 keeps the chart and manifests for a look after the run.
        if (Environment.GetEnvironmentVariable("MOBILEX_KEEP_K8S_OUTPUT") != "1")
        {
            Directory.Delete(OutputDirectory, recursive: true);
        }

        Directory.Delete(_projects, recursive: true);
    }

    /// <summary>A project file for the model to point at; publishing reads its name, never builds it.</summary>
    private string ProjectPath(string role)
    {
        var path = Path.Combine(_projects, $"MobileX.{role}", $"MobileX.{role}.csproj");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "<Project Sdk=\"Microsoft.NET.Sdk.Web\" />\n");
        return path;
    }

    private static string RandomValue() => RandomNumberGenerator.GetHexString(24, lowercase: true);
}

[CollectionDefinition(Name)]
public sealed class ScenarioCollection : ICollectionFixture<ScenarioFixture>
{
    public const string Name = "k8s-scenario";
}
