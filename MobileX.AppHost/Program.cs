using MobileX.AppHost.Infrastructure;
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

// Serving: API replicas behind the YARP gateway, the only public entry point (docs/serving.md).
builder.AddServing(nats, minio);

builder.Build().Run();
return 0;
