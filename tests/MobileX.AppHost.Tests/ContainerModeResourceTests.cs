using MobileX.Hosting.Minio;
using MobileX.Hosting.Nats;

namespace MobileX.AppHost.Tests;

public class ContainerModeResourceTests
{
    private static IDistributedApplicationBuilder Builder() => ModelBuilder.Create("MobileX:Infrastructure=Containers");

    [Fact]
    public async Task Nats_is_the_official_image_with_jetstream_auth_and_a_volume()
    {
        var builder = Builder();
        var nats = builder.AddNats("nats").WithJetStream().WithDataVolume();

        var resource = Assert.IsType<NatsServerResource>(nats.Resource);
        Assert.True(resource.TryGetContainerImageName(out var image));
        Assert.Equal("docker.io/library/nats:2.12.1", image);

        var password = await resource.PasswordParameter!.GetValueAsync(TestContext.Current.CancellationToken);
        var args = await ResourceEvaluation.ArgsAsync(resource);
        Assert.Equal(["-m", "8222", "--user", "nats", "--pass", password!, "-js", "-sd", "/var/lib/nats"], args);

        var mount = Assert.Single(resource.Annotations.OfType<ContainerMountAnnotation>());
        Assert.Equal("/var/lib/nats", mount.Target);
        Assert.Equal(ContainerMountType.Volume, mount.Type);

        var tcp = resource.Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == "tcp");
        Assert.Equal(4222, tcp.TargetPort);
    }

    [Fact]
    public async Task Minio_is_the_official_image_with_root_credentials_from_parameters()
    {
        var builder = Builder();
        var minio = builder.AddMinio("minio").WithDataVolume();

        var resource = Assert.IsType<MinioContainerResource>(minio.Resource);
        Assert.True(resource.TryGetContainerImageName(out var image));
        Assert.StartsWith("docker.io/minio/minio:RELEASE.", image);

        var password = await resource.PasswordParameter.GetValueAsync(TestContext.Current.CancellationToken);
        var env = await ResourceEvaluation.EnvironmentAsync(resource);
        Assert.Equal("minioadmin", env["MINIO_ROOT_USER"]);
        Assert.Equal(password, env["MINIO_ROOT_PASSWORD"]);
        Assert.Equal(["server", "/data", "--console-address", ":9001"], await ResourceEvaluation.ArgsAsync(resource));
        Assert.Equal("/data", Assert.Single(resource.Annotations.OfType<ContainerMountAnnotation>()).Target);

        ResourceEvaluation.Allocate(resource, "http", 9000);
        Assert.Equal($"Endpoint=http://localhost:9000;AccessKey=minioadmin;SecretKey={password}", await resource.ConnectionStringExpression.GetValueAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public void Both_register_health_checks_that_dependants_can_wait_for()
    {
        var builder = Builder();
        var nats = builder.AddNats("nats");
        var minio = builder.AddMinio("minio");

        Assert.Contains(nats.Resource.Annotations.OfType<HealthCheckAnnotation>(), h => h.Key == "nats_check");
        Assert.NotEmpty(minio.Resource.Annotations.OfType<HealthCheckAnnotation>());
    }
}
