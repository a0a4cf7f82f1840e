using MobileX.AppHost.Capture;
using MobileX.AppHost.Inference;
using MobileX.AppHost.Infrastructure;
using MobileX.AppHost.Kubernetes;
using MobileX.AppHost.Minio;
using MobileX.AppHost.Nats;
using MobileX.AppHost.Serving;

var builder = DistributedApplication.CreateBuilder(args);

// Infrastructure: containers when a runtime answers, else local processes (see docs/operations.md).
IResourceBuilder<INatsServerResource> nats;
IResourceBuilder<IMinioResource> minio;
try
{
    nats = builder.AddNats("nats").WithJetStream().WithDataVolume();
    minio = builder.AddMinio("minio").WithDataVolume();
}
catch (InfrastructureNotInstalledException ex)
{
    // One plain message instead of a stack trace: what is missing and how to install it.
    Console.Error.WriteLine($"MobileX cannot start: {ex.Message}");
    return 1;
}

// Each station publishes under its own NATS user, limited to mobilex.stations.NN.> (docs/ingestion.md).
var stations = builder.Stations();
var stationUsers = builder.Configuration.GetValue(CaptureBuilderExtensions.StationUsersSetting, true)
    ? nats.WithStationUsers(stations)
    : [];

// Pipeline: stations capture into their buckets and subjects; the preprocessor turns frames into busts.
builder.AddService<Projects.MobileX_Capture>("capture")
    .WithReference(nats).WaitFor(nats)
    .WithReference(minio).WaitFor(minio)
    .WithStations(stations, stationUsers)
    .WithHttpHealthCheck("/health");

// Replicas share one durable consumer, so adding replicas scales it out.
builder.AddService<Projects.MobileX_Preprocessor>("preprocessor")
    .WithReplicas(2)
    .WithReference(nats).WaitFor(nats)
    .WithReference(minio).WaitFor(minio);

// Serving: img2img behind one internal API (local CPU stylizer by default, docs/inference.md), then API replicas
// behind the YARP gateway, the only public entry point (docs/serving.md).
var inference = builder.AddInferenceAdapter("inference");
builder.AddServing(nats, minio, inference);

// Deployment: `aspire publish -o DIR` writes a Helm chart and plain manifests (docs/kubernetes.md).
builder.AddKubernetesEnvironment("k8s");

builder.Build().Run();
return 0;
