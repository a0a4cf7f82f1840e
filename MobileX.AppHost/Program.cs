using MobileX.AppHost.Infrastructure;
using MobileX.AppHost.Minio;
using MobileX.AppHost.Nats;

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

// Services
// Bust crops for Stable Diffusion: replicas share one durable consumer, so adding replicas scales it out.
builder.AddProject<Projects.MobileX_Preprocessor>("preprocessor")
    .WithReplicas(2)
    .WithReference(nats).WaitFor(nats)
    .WithReference(minio).WaitFor(minio);

builder.Build().Run();
return 0;
