using MobileX.Hosting.Infrastructure;
using MobileX.Hosting.Minio;
using MobileX.Hosting.Nats;
using MobileX.Testing;

namespace MobileX.AppHost.Tests;

public sealed class LocalModeResourceTests : IDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("mobilex-apphost-").FullName;

    private IDistributedApplicationBuilder Builder(params string[] extra) => ModelBuilder.Create(
    [
        "MobileX:Infrastructure=Local",
        $"MobileX:StateDirectory={_state}",
        $"MobileX:S3:S3rverPath={RepositoryPaths.S3rverScript}",
        "MobileX:S3:Server=s3rver",
        .. extra,
    ]);

    public void Dispose() => Directory.Delete(_state, recursive: true);

    [Fact]
    public async Task Nats_runs_nats_server_on_loopback_with_jetstream_auth_and_a_state_directory()
    {
        var builder = Builder();
        var nats = builder.AddNats("nats").WithJetStream().WithDataVolume();

        var resource = Assert.IsType<NatsServerProcessResource>(nats.Resource);
        Assert.False(resource.IsContainer());
        Assert.EndsWith("nats-server", resource.Command);

        var password = await resource.PasswordParameter!.GetValueAsync(TestContext.Current.CancellationToken);
        var args = await ResourceEvaluation.ArgsAsync(resource);
        Assert.Equal(
            ["-a", "127.0.0.1", "-p", "4222", "-m", "8222", "-n", "nats", "--user", "nats", "--pass", password!, "-js", "-sd", Path.Combine(_state, "nats")],
            args);
        Assert.True(Directory.Exists(Path.Combine(_state, "nats")));

        var tcp = resource.Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == "tcp");
        Assert.Equal(4222, tcp.Port);
        Assert.False(tcp.IsProxied);
    }

    [Fact]
    public async Task Nats_connection_string_keeps_the_original_format_with_uri_escaped_credentials()
    {
        var builder = Builder();
        var password = builder.AddParameter("pw", "p@ss/word", secret: true);
        var nats = builder.AddNats("nats", password: password);
        ResourceEvaluation.Allocate(nats.Resource, "tcp", 4222);

        var connectionString = await nats.Resource.ConnectionStringExpression.GetValueAsync(TestContext.Current.CancellationToken);

        Assert.Equal("nats://nats:p%40ss%2Fword@localhost:4222", connectionString);
    }

    [Fact]
    public async Task Ports_are_overridable()
    {
        var builder = Builder("MobileX:Nats:Port=14222", "MobileX:Nats:MonitorPort=18222", "MobileX:S3:Port=19000");
        var nats = builder.AddNats("nats");
        var minio = builder.AddMinio("minio");

        var natsArgs = await ResourceEvaluation.ArgsAsync(nats.Resource);
        var minioArgs = await ResourceEvaluation.ArgsAsync(minio.Resource);

        Assert.Equal("14222", natsArgs[natsArgs.IndexOf("-p") + 1]);
        Assert.Equal("18222", natsArgs[natsArgs.IndexOf("-m") + 1]);
        Assert.Equal("19000", minioArgs[minioArgs.IndexOf("-p") + 1]);
        Assert.Equal(19000, minio.Resource.Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == "http").Port);
    }

    [Fact]
    public async Task Minio_falls_back_to_s3rver_with_its_fixed_access_key_and_a_generated_secret()
    {
        var builder = Builder();
        var minio = builder.AddMinio("minio");

        var resource = Assert.IsType<S3ServerProcessResource>(minio.Resource);
        Assert.Equal(S3ServerKind.S3rver, resource.Kind);
        Assert.False(resource.IsContainer());
        Assert.EndsWith("node", resource.Command);

        var args = await ResourceEvaluation.ArgsAsync(resource);
        Assert.Equal(
            [RepositoryPaths.S3rverScript, "-d", Path.Combine(_state, "minio"), "-a", "127.0.0.1", "-p", "9000", "--no-vhost-buckets", "--allow-mismatched-signatures", "--silent"],
            args);

        ResourceEvaluation.Allocate(resource, "http", 9000);
        var secret = await resource.PasswordParameter.GetValueAsync(TestContext.Current.CancellationToken);
        Assert.False(string.IsNullOrEmpty(secret));
        Assert.Equal($"Endpoint=http://localhost:9000;AccessKey=S3RVER;SecretKey={secret}", await resource.ConnectionStringExpression.GetValueAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public void Passwords_are_generated_secret_parameters()
    {
        var builder = Builder();
        var nats = builder.AddNats("nats");
        var minio = builder.AddMinio("minio");

        Assert.True(nats.Resource.PasswordParameter!.Secret);
        Assert.Equal("nats-password", nats.Resource.PasswordParameter.Name);
        Assert.True(minio.Resource.PasswordParameter.Secret);
        Assert.Equal("minio-rootPassword", minio.Resource.PasswordParameter.Name);
    }

    [Fact]
    public async Task A_reference_injects_the_connection_string_and_properties()
    {
        var builder = Builder();
        var nats = builder.AddNats("nats");
        var minio = builder.AddMinio("minio");
        var client = builder.AddExecutable("client", "true", ".").WithReference(nats).WithReference(minio);
        ResourceEvaluation.Allocate(nats.Resource, "tcp", 4222);
        ResourceEvaluation.Allocate(minio.Resource, "http", 9000);

        var env = await ResourceEvaluation.EnvironmentAsync(client.Resource);

        Assert.StartsWith("nats://nats:", env["ConnectionStrings__nats"]);
        Assert.StartsWith("Endpoint=http://localhost:9000;AccessKey=S3RVER;SecretKey=", env["ConnectionStrings__minio"]);
        Assert.Equal("localhost", env["NATS_HOST"]);
        Assert.Equal("4222", env["NATS_PORT"]);
        Assert.Equal("nats", env["NATS_USERNAME"]);
        Assert.Equal(env["ConnectionStrings__nats"], env["NATS_URI"]);
    }

    [Fact]
    public void Local_mode_holds_no_container_resources_and_shows_its_mode_on_the_dashboard()
    {
        var builder = Builder();
        builder.AddNats("nats").WithJetStream().WithDataVolume();
        builder.AddMinio("minio").WithDataVolume();

        Assert.DoesNotContain(builder.Resources, r => r.IsContainer());
        var infrastructure = Assert.Single(builder.Resources.OfType<InfrastructureResource>());
        var snapshot = infrastructure.Annotations.OfType<ResourceSnapshotAnnotation>().Single().InitialSnapshot;
        Assert.Equal("Local", snapshot.State?.Text);
        Assert.Contains(snapshot.Properties, p => p.Name == "mobilex.infrastructure.reason" && ((string)p.Value!).Contains("MobileX:Infrastructure"));
    }

    [Fact]
    public void A_missing_nats_server_says_what_to_install()
    {
        var builder = Builder("MobileX:Nats:ServerPath=/nonexistent/nats-server");

        var ex = Assert.Throws<InfrastructureNotInstalledException>(() => builder.AddNats("nats"));

        Assert.Contains("MobileX:Nats:ServerPath", ex.Message);
        Assert.Contains("apt-get install -y nats-server", ex.Message);
    }

    [Fact]
    public void A_missing_s3rver_says_what_to_install()
    {
        var builder = Builder("MobileX:S3:S3rverPath=/nonexistent/s3rver.js");

        var ex = Assert.Throws<InfrastructureNotInstalledException>(() => builder.AddMinio("minio"));

        Assert.Contains("/nonexistent/s3rver.js", ex.Message);
        Assert.Contains("./mobilex.sh setup", ex.Message);
    }

    [Fact]
    public void An_unknown_local_s3_server_is_refused_with_the_setting_named()
    {
        var builder = Builder("MobileX:S3:Server=ceph");

        var ex = Assert.Throws<InvalidOperationException>(() => builder.AddMinio("minio"));

        Assert.Contains("MobileX:S3:Server", ex.Message);
        Assert.Contains("ceph", ex.Message);
    }
}
