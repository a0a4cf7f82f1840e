using System.Globalization;
using MobileX.AppHost.Extensions;
using MobileX.Contracts;
using MobileX.Hosting.Infrastructure;
using MobileX.Hosting.Kubernetes;
using MobileX.Hosting.Minio;
using MobileX.Hosting.Models;
using MobileX.Hosting.Nats;
using MobileX.Hosting.Services;

var builder = DistributedApplication.CreateBuilder(args);

// Infrastructure: containers when a runtime answers, else local processes (docs/operations.md).
IResourceBuilder<INatsServerResource> nats;
IResourceBuilder<IMinioResource> minio;
try
{
    nats = builder.AddNats("nats").WithJetStream().WithDataVolume()
        // On Kubernetes values.yaml can make it a JetStream cluster; stream owners then ask for as many replicas.
        .WithKubernetesCluster(replicasSetting: "Streams__Replicas");
    minio = builder.AddMinio("minio").WithDataVolume();
}
catch (InfrastructureNotInstalledException ex)
{
    // One plain message instead of a stack trace: what is missing and how to install it.
    Console.Error.WriteLine($"MobileX cannot start: {ex.Message}");
    return 1;
}

// Each station publishes under its own NATS user, limited to its raw frames and health (docs/ingestion.md). Every
// service below connects as a NATS user of its own too (docs/architecture.md#identities); the admin serves no one.
var stations = builder.Stations();
var stationUsers = builder.Configuration.GetValue(StationsExtensions.StationUsersSetting, true)
    ? nats.WithStationUsers(stations)
    : [];

// The lake's own buckets with their retention (MobileX:Retention:*Days). Every station, service and model has its own
// MinIO user, made by one provisioning step before they start; s3rver accepts one key only (docs/operations.md).
minio.WithOwnedBuckets(stations);

// Pipeline: stations capture into their buckets and subjects; the preprocessor turns frames into busts.
builder.AddService<Projects.MobileX_Capture>("capture")
    // With station users its own connection may do nothing; without them it publishes for the stations itself.
    .WithNatsIdentity(nats, ServicePermissions.Capture(stationUsers.Count == 0 ? stations : []))
    .WithS3Identity(minio, S3Identity.Capture).WaitFor(minio)
    .WithStations(stations, stationUsers)
    .WithStationS3Users(minio, stations)
    // s3rver has no lifecycle rules: the one capture process sweeps expired objects in a local run.
    .WithLocalRetentionSweep(minio)
    .WithHttpHealthCheck("/health");

// Replicas share one durable consumer, so adding replicas scales it out: on CPU, or with KEDA on its backlog.
const string preprocessorConsumer = "preprocessor";
builder.AddService<Projects.MobileX_Preprocessor>("preprocessor")
    .WithReplicas(2)
    .WithNatsIdentity(nats, ServicePermissions.Preprocessor(preprocessorConsumer))
    .WithS3Identity(minio, S3Identity.Preprocessor).WaitFor(minio)
    .WithHorizontalAutoscaler()
    .WithKedaJetStreamScaler(nats, Streams.Frames, consumer: preprocessorConsumer);

// Models reuse the pipeline with identities of their own; coverage reads the outcomes, never a raw frame (docs/architecture.md).
builder.AddModel<Projects.MobileX_Coverage>("coverage").ConsumesFrames(FrameStage.Processed, FrameStage.Rejected)
    // Like the API, it charts exactly the stations the AppHost runs, so none shows as blind for ever.
    .WithEnvironment("Coverage__StationCount", stations.Count.ToString(CultureInfo.InvariantCulture));

// Serving: img2img behind one internal API (local CPU stylizer by default, docs/inference.md), then API replicas
// behind the YARP gateway, the only public entry point (docs/serving.md).
var inference = builder.AddService<Projects.MobileX_Inference>("inference")
    .WithInferenceBackend()
    .WithHttpHealthCheck("/health");

var gateway = builder.AddService<Projects.MobileX_Gateway>("gateway")
    .WithEndpoint("http", e => e.Port = builder.Configuration.GetValue("MobileX:Gateway:Port", 8080))
    .WithExternalHttpEndpoints()
    .WithHttpHealthCheck("/health")
    .WithUrlForEndpoint("http", u => u.DisplayText = "MobileX (gateway)")
    .WithKubernetesIngress()
    // In the cluster the only public entry never goes down for a rollout or a drain: 2 pods, maxUnavailable 0, a PDB.
    .WithKubernetesHighAvailability(replicas: 2)
    .LogUrlWhenReady();

// API keys: read-write and read-only, generated once for the local run, a generated Secret on Kubernetes (docs/serving.md).
var (apiKey, apiReadKey) = builder.AddApiKeys();

// Each API replica is its own resource (api-1, api-2, …) rather than WithReplicas, whose single DCP proxy would hide
// the replicas from YARP's round robin. In the cluster a headless Service shows the gateway every pod.
for (var i = 1; i <= builder.Configuration.GetValue("MobileX:Api:Replicas", 2); i++)
{
    var name = $"api-{i}";
    var api = builder.AddService<Projects.MobileX_Api>(name)
        .WithNatsIdentity(nats, ServicePermissions.Api())
        .WithS3Identity(minio, S3Identity.Api).WaitFor(minio)
        .WithReference(inference)
        .WithEnvironment("Api__InstanceName", name)
        .WithApiKeys(apiKey, apiReadKey)
        // The API lists exactly the stations the AppHost runs, so none shows as unknown for ever.
        .WithEnvironment("Api__StationCount", stations.Count.ToString(CultureInfo.InvariantCulture))
        .WithHttpHealthCheck("/health")
        .WithHorizontalAutoscaler()
        .WithKubernetesHeadlessService();
    gateway.WithApiDestination(api);
}

// Deployment: `aspire publish -o DIR` writes a Helm chart and plain manifests (docs/kubernetes.md). Image names
// follow services/Directory.Build.props: MobileX.Api publishes mobilex/api.
builder.AddKubernetesEnvironment("k8s", k8s =>
{
    k8s.ChartName = "mobilex";
    k8s.ChartDescription = "MobileX: camera stations, preprocessing, avatar API and gateway, with NATS JetStream and S3 storage.";
    k8s.ImageRepositoryPrefix = "mobilex/";
    k8s.ProjectNamePrefix = "MobileX.";
    k8s.IngressHost = "mobilex.example.com";
});

builder.Build().Run();
return 0;
