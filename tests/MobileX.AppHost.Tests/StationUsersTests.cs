using MobileX.Hosting.Nats;
using MobileX.Contracts;
using MobileX.Testing;

namespace MobileX.AppHost.Tests;

/// <summary>Per-station NATS identities: a secret-free config file, credentials as environment of the server.</summary>
public sealed class StationUsersTests : IDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("mobilex-users-").FullName;

    public void Dispose() => Directory.Delete(_state, recursive: true);

    private IDistributedApplicationBuilder Builder(string mode) => ModelBuilder.Create(
        $"MobileX:Infrastructure={mode}",
        $"MobileX:StateDirectory={_state}",
        $"MobileX:S3:S3rverPath={RepositoryPaths.S3rverScript}");

    [Fact]
    public async Task Local_nats_reads_a_config_file_without_secrets_and_gets_every_password_from_its_environment()
    {
        var builder = Builder("Local");
        var nats = builder.AddNats("nats").WithJetStream();
        var users = nats.WithStationUsers(StationId.Range(3));

        var args = await ResourceEvaluation.ArgsAsync(nats.Resource);
        var env = await ResourceEvaluation.EnvironmentAsync(nats.Resource);
        var file = args[args.IndexOf("-c") + 1];
        var config = await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken);

        Assert.DoesNotContain("--user", args);
        Assert.DoesNotContain("--pass", args);
        Assert.Equal(["station-01", "station-02", "station-03"], users.Select(u => u.User));
        var adminPassword = await nats.Resource.PasswordParameter!.GetValueAsync(TestContext.Current.CancellationToken);
        Assert.Equal($"\"{adminPassword}\"", env["NATS_PASSWORD"]);
        foreach (var user in users)
        {
            var secret = await user.Password.GetValueAsync(TestContext.Current.CancellationToken);
            Assert.True(user.Password.Secret);
            Assert.Equal($"\"{secret}\"", env[$"STATION_{user.Station}_PASSWORD"]);
            Assert.DoesNotContain(secret!, config);
            Assert.Contains($"\"mobilex.stations.{user.Station}.frames.raw\", \"mobilex.stations.{user.Station}.health\"", config);
            Assert.DoesNotContain($"mobilex.stations.{user.Station}.>", config);
        }

        Assert.DoesNotContain(adminPassword!, config);
    }

    [Fact]
    public async Task Station_users_leave_the_connection_string_unchanged()
    {
        var builder = Builder("Local");
        var nats = builder.AddNats("nats");
        ResourceEvaluation.Allocate(nats.Resource, "tcp", 4222);
        var before = await nats.Resource.ConnectionStringExpression.GetValueAsync(TestContext.Current.CancellationToken);

        nats.WithStationUsers(StationId.Range(2));

        Assert.Equal(before, await nats.Resource.ConnectionStringExpression.GetValueAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_nats_container_gets_the_config_file_as_a_read_only_bind_mount()
    {
        var builder = Builder("Containers");
        var nats = builder.AddNats("nats").WithJetStream().WithDataVolume();
        nats.WithStationUsers(StationId.Range(2));

        var args = await ResourceEvaluation.ArgsAsync(nats.Resource);
        var mount = nats.Resource.Annotations.OfType<ContainerMountAnnotation>().Single(m => m.Type == ContainerMountType.BindMount);

        Assert.Equal(NatsAuthorizationExtensions.ContainerConfigPath, args[args.IndexOf("-c") + 1]);
        Assert.Equal(NatsAuthorizationExtensions.ContainerConfigPath, mount.Target);
        Assert.True(mount.IsReadOnly);
        Assert.True(File.Exists(mount.Source));
    }
}
