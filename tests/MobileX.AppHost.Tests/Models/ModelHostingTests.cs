using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MobileX.Contracts;
using MobileX.Hosting.Minio;
using MobileX.Hosting.Models;
using MobileX.Hosting.Nats;
using MobileX.Testing;

namespace MobileX.AppHost.Tests.Models;

/// <summary>What <c>AddModel</c> gives a model in the app model: its own identities, its stages, and nothing of the admin's.</summary>
public sealed class ModelHostingTests : IDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("mobilex-models-").FullName;

    public void Dispose() => Directory.Delete(_state, recursive: true);

    /// <summary>The coverage project, by path: publishing and environment evaluation read its name, never build it.</summary>
    private sealed class CoverageProject : IProjectMetadata
    {
        public string ProjectPath => Path.Combine(RepositoryPaths.Root, "services", "MobileX.Coverage", "MobileX.Coverage.csproj");
    }

    private IDistributedApplicationBuilder Builder(string mode, params string[] extra) => ModelBuilder.Create(
    [
        $"MobileX:Infrastructure={mode}",
        $"MobileX:StateDirectory={_state}",
        $"MobileX:S3:S3rverPath={RepositoryPaths.S3rverScript}",
        "MobileX:S3:Server=s3rver",
        .. extra,
    ]);

    private static async Task<Dictionary<string, string>> ModelEnvironmentAsync(
        IResourceBuilder<INatsServerResource> nats, IResourceBuilder<IMinioResource> minio, IResourceBuilder<ProjectResource> model)
    {
        ResourceEvaluation.Allocate(nats.Resource, "tcp", 4222);
        ResourceEvaluation.Allocate(minio.Resource, "http", 9000);
        // DCP would pick the project's own port; a fixed one stands in for it.
        model.Resource.Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == "http").TargetPort = 5101;
        ResourceEvaluation.Allocate(model.Resource, "http", 5100);
        return await ResourceEvaluation.EnvironmentAsync(model.Resource);
    }

    [Fact]
    public async Task The_model_connects_as_its_own_nats_user_and_is_told_its_stages()
    {
        var ct = TestContext.Current.CancellationToken;
        var builder = Builder("Local");
        var nats = builder.AddNats("nats").WithJetStream();
        nats.WithStationUsers(StationId.Range(2));
        var minio = builder.AddMinio("minio");
        var model = builder.AddModel<CoverageProject>("coverage").ConsumesFrames(FrameStage.Processed, FrameStage.Rejected);

        var env = await ModelEnvironmentAsync(nats, minio, model);
        var adminPassword = await nats.Resource.PasswordParameter!.GetValueAsync(ct);
        var natsUrl = new Uri(env["ConnectionStrings__nats"]);

        Assert.Equal("nats", natsUrl.Scheme);
        Assert.Equal("model-coverage", natsUrl.UserInfo.Split(':')[0]);
        Assert.Equal("localhost:4222", $"{natsUrl.Host}:{natsUrl.Port}");
        var modelPassword = Uri.UnescapeDataString(natsUrl.UserInfo.Split(':')[1]);
        Assert.NotEqual(adminPassword, modelPassword);
        Assert.All(env, e => Assert.DoesNotContain(adminPassword!, e.Value, StringComparison.Ordinal));
        // No reference to the server, so none of its connection properties (the admin's user, password, URI).
        Assert.DoesNotContain(env.Keys, k => k.StartsWith("NATS_", StringComparison.Ordinal));

        Assert.Equal("coverage", env["Feeds__Model"]);
        Assert.Equal("processed", env["Feeds__Stages__0"]);
        Assert.Equal("rejected", env["Feeds__Stages__1"]);
        Assert.False(env.ContainsKey("Feeds__Stages__2"));

        // The server knows that password as the model's, under the variable its authorization file names.
        var serverEnv = await ResourceEvaluation.EnvironmentAsync(nats.Resource);
        Assert.Equal($"\"{modelPassword}\"", serverEnv["MODEL_COVERAGE_PASSWORD"]);
        var args = await ResourceEvaluation.ArgsAsync(nats.Resource);
        var config = await File.ReadAllTextAsync(args[args.IndexOf("-c") + 1], ct);
        var line = Assert.Single(config.Split('\n'), l => l.Contains("\"model-coverage\"", StringComparison.Ordinal));
        Assert.Contains("password: $MODEL_COVERAGE_PASSWORD", line);
        Assert.Contains("subscribe: { allow: [\"_INBOX.model-coverage.>\", \"mobilex.stations.*.frames.processed\", \"mobilex.stations.*.frames.rejected\"] }", line);
        Assert.Contains("\"mobilex.models.coverage.>\"", line);
        Assert.DoesNotContain("frames.raw", line);
        Assert.Contains("\"$JS.API.CONSUMER.CREATE.FRAMES.model-coverage-processed.>\"", line);
        Assert.Contains("\"$JS.API.CONSUMER.CREATE.FRAMES.model-coverage-rejected.>\"", line);
        Assert.DoesNotContain("model-coverage-raw", line);
        Assert.Contains("station-02", config);
        Assert.DoesNotContain(modelPassword, config);
    }

    [Fact]
    public async Task The_model_waits_for_both_servers_and_is_healthy_on_health()
    {
        var builder = Builder("Local");
        var nats = builder.AddNats("nats");
        var minio = builder.AddMinio("minio");
        var model = builder.AddModel<CoverageProject>("coverage").ConsumesFrames(FrameStage.Processed);

        var waits = model.Resource.Annotations.OfType<WaitAnnotation>().Select(w => w.Resource).ToList();
        Assert.Contains(nats.Resource, waits);
        Assert.Contains(minio.Resource, waits);
        Assert.Contains(model.Resource.Annotations.OfType<HealthCheckAnnotation>(), h => h.Key.Contains("coverage", StringComparison.Ordinal));
        Assert.Single(model.Resource.Annotations.OfType<EndpointAnnotation>(), e => e.Name == "http");

        var env = await ModelEnvironmentAsync(nats, minio, model);
        // A service like any other (AddService): the AppHost's own environment, in a run only.
        Assert.Equal(builder.Environment.EnvironmentName, env["ASPNETCORE_ENVIRONMENT"]);
    }

    [Fact]
    public async Task Without_station_users_the_model_still_gets_its_own_user_beside_the_admin()
    {
        var ct = TestContext.Current.CancellationToken;
        var builder = Builder("Local");
        var nats = builder.AddNats("nats").WithJetStream();
        builder.AddMinio("minio");
        builder.AddModel<CoverageProject>("coverage").ConsumesFrames(FrameStage.Processed);

        var args = await ResourceEvaluation.ArgsAsync(nats.Resource);
        Assert.DoesNotContain("--pass", args);
        var config = await File.ReadAllTextAsync(args[args.IndexOf("-c") + 1], ct);
        Assert.Contains("{ user: $NATS_USER, password: $NATS_PASSWORD }", config);
        Assert.Contains("\"model-coverage\"", config);
        Assert.DoesNotContain("station-", config);
        var env = await ResourceEvaluation.EnvironmentAsync(nats.Resource);
        Assert.True(env.ContainsKey("NATS_PASSWORD"));
        Assert.True(env.ContainsKey("MODEL_COVERAGE_PASSWORD"));
    }

    [Fact]
    public async Task On_s3rver_the_model_reads_with_the_root_key_since_s3rver_enforces_no_policy()
    {
        var ct = TestContext.Current.CancellationToken;
        var builder = Builder("Local");
        var nats = builder.AddNats("nats");
        var minio = builder.AddMinio("minio");
        var model = builder.AddModel<CoverageProject>("coverage").ConsumesFrames(FrameStage.Processed);

        var env = await ModelEnvironmentAsync(nats, minio, model);

        Assert.Equal(await minio.Resource.ConnectionStringExpression.GetValueAsync(ct), env["ConnectionStrings__minio"]);
        Assert.Contains("AccessKey=S3RVER;", env["ConnectionStrings__minio"]);
        // Local mode holds no container, and there is no user to create on s3rver.
        Assert.DoesNotContain(builder.Resources, r => r.IsContainer());
        Assert.DoesNotContain(builder.Resources, r => r.Name == MinioProvisioning.ResourceName(minio.Resource));
        Assert.DoesNotContain(model.Resource.Annotations.OfType<WaitAnnotation>(), w => w.WaitType == WaitType.WaitForCompletion);
    }

    [Fact]
    public async Task On_s3rver_the_start_log_says_once_that_nothing_is_enforced_and_what_minio_would_give()
    {
        var ct = TestContext.Current.CancellationToken;
        // Paths that satisfy Aspire's own start handlers; nothing is launched, only the start event is raised.
        var builder = Builder("Local", "DcpPublisher:CliPath=/bin/true", $"DcpPublisher:DashboardPath={_state}");
        var log = new CapturingLoggerProvider();
        builder.Services.AddSingleton<ILoggerProvider>(log);
        builder.AddNats("nats");
        builder.AddMinio("minio");
        builder.AddModel<CoverageProject>("coverage").ConsumesFrames(FrameStage.Processed);
        await using var app = builder.Build();

        await app.Services.GetRequiredService<Aspire.Hosting.Eventing.IDistributedApplicationEventing>()
            .PublishAsync(new BeforeStartEvent(app.Services, app.Services.GetRequiredService<DistributedApplicationModel>()), ct);

        var line = Assert.Single(log.Entries, e => e.EventId == 6102);
        Assert.Equal("MobileX.Hosting", line.Category);
        Assert.Contains("enforces no access policy", line.Message, StringComparison.Ordinal);
        Assert.Contains("every station, service and model uses the root key", line.Message, StringComparison.Ordinal);
    }

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<(string Category, int EventId, string Message)> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, Entries);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<(string, int, string)> entries) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                entries.Enqueue((category, eventId.Id, formatter(state, exception)));
        }
    }

    [Fact]
    public async Task On_minio_the_model_reads_as_its_own_user_created_by_a_step_it_waits_for()
    {
        var ct = TestContext.Current.CancellationToken;
        var builder = Builder("Containers");
        var nats = builder.AddNats("nats");
        var minio = builder.AddMinio("minio");
        var model = builder.AddModel<CoverageProject>("coverage").ConsumesFrames(FrameStage.Processed, FrameStage.Rejected);

        var env = await ModelEnvironmentAsync(nats, minio, model);
        var rootPassword = await minio.Resource.PasswordParameter.GetValueAsync(ct);
        var s3 = env["ConnectionStrings__minio"];
        Assert.StartsWith("Endpoint=http://localhost:9000;AccessKey=model-coverage;SecretKey=", s3, StringComparison.Ordinal);
        var secretKey = s3[(s3.IndexOf("SecretKey=", StringComparison.Ordinal) + "SecretKey=".Length)..];
        Assert.NotEqual(rootPassword, secretKey);
        Assert.All(env, e => Assert.DoesNotContain(rootPassword!, e.Value, StringComparison.Ordinal));

        var step = Assert.IsType<ContainerResource>(builder.Resources.Single(r => r.Name == "minio-provision"), exactMatch: false);
        Assert.True(step.TryGetContainerImageName(out var image));
        Assert.Equal($"docker.io/minio/mc:{MinioProvisioning.ImageTag}", image);
        Assert.Equal("/bin/sh", step.Entrypoint);
        Assert.Contains(model.Resource.Annotations.OfType<WaitAnnotation>(), w => w.Resource == step && w.WaitType == WaitType.WaitForCompletion);
        Assert.Contains(step.Annotations.OfType<WaitAnnotation>(), w => w.Resource == minio.Resource);

        var args = await ResourceEvaluation.ArgsAsync(step);
        Assert.Equal("-c", args[0]);
        var script = args[1];
        Assert.Contains("mc alias set mobilex \"$MINIO_ENDPOINT\" \"$MINIO_ROOT_USER\" \"$MINIO_ROOT_PASSWORD\"", script);
        Assert.Contains("mc admin policy create mobilex model-coverage-read /tmp/model-coverage-read.json", script);
        Assert.Contains("mc admin user add mobilex model-coverage \"$S3_SECRET_MODEL_COVERAGE\"", script);
        Assert.Contains("mc admin policy attach mobilex model-coverage-read --user model-coverage", script);
        Assert.Contains("\"arn:aws:s3:::processed/*\",\"arn:aws:s3:::station-*/*\"", script);
        Assert.Contains("[\"s3:GetObject\"]", script);
        Assert.DoesNotContain("PutObject", script);
        Assert.DoesNotContain(rootPassword!, script);
        Assert.DoesNotContain(secretKey, script);

        // The step's values as the model holds them (resolving a container's endpoint would wait for a container network).
        var stepEnv = new Dictionary<string, object>();
        var context = new EnvironmentCallbackContext(new DistributedApplicationExecutionContext(DistributedApplicationOperation.Run), step, stepEnv, ct);
        foreach (var callback in step.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await callback.Callback(context);
        }

        Assert.Same(minio.Resource.PasswordParameter, stepEnv["MINIO_ROOT_PASSWORD"]);
        Assert.Same(minio.Resource.RootUser, stepEnv["MINIO_ROOT_USER"]);
        var modelSecret = Assert.IsType<ParameterResource>(stepEnv["S3_SECRET_MODEL_COVERAGE"]);
        Assert.True(modelSecret.Secret);
        Assert.Equal(secretKey, await modelSecret.GetValueAsync(ct));
    }

    [Theory]
    [InlineData(new[] { FrameStage.Processed }, new[] { "processed" })]
    [InlineData(new[] { FrameStage.Raw }, new[] { "station-*" })]
    [InlineData(new[] { FrameStage.Rejected }, new[] { "processed", "station-*" })]
    [InlineData(new[] { FrameStage.Rejected, FrameStage.Raw, FrameStage.Rejected }, new[] { "processed", "station-*" })]
    public void Each_stage_reads_the_buckets_its_objects_are_in(FrameStage[] stages, string[] buckets) =>
        Assert.Equal(buckets, ModelPermissions.S3Buckets(stages));

    [Fact]
    public void A_model_that_consumes_nothing_gets_a_minio_user_that_may_only_list_bucket_names()
    {
        var script = MinioProvisioning.Script([ModelPermissions.S3Access(ModelName.Coverage, [])], [], "mc", "/tmp");

        Assert.Contains("mc admin user add mobilex model-coverage", script);
        Assert.Contains("s3:ListAllMyBuckets", script);
        Assert.DoesNotContain("GetObject", script);
        Assert.DoesNotContain("PutObject", script);
    }

    [Fact]
    public void A_bad_model_name_is_refused_with_the_name()
    {
        var builder = Builder("Local");
        builder.AddNats("nats");
        builder.AddMinio("minio");

        var ex = Assert.Throws<DistributedApplicationException>(() => builder.AddModel<CoverageProject>("Coverage"));

        Assert.Contains("'Coverage' is not a model name", ex.Message);
    }

    [Fact]
    public void A_model_without_a_nats_or_s3_server_says_which_is_missing()
    {
        var noNats = Builder("Local");
        noNats.AddMinio("minio");
        var natsMissing = Assert.Throws<DistributedApplicationException>(() => noNats.AddModel<CoverageProject>("coverage"));
        Assert.Contains("needs a NATS server", natsMissing.Message);
        Assert.Contains("AddNats", natsMissing.Message);

        var noMinio = Builder("Local");
        noMinio.AddNats("nats");
        var minioMissing = Assert.Throws<DistributedApplicationException>(() => noMinio.AddModel<CoverageProject>("coverage"));
        Assert.Contains("needs an S3 server", minioMissing.Message);
        Assert.Contains("AddMinio", minioMissing.Message);
    }

    [Fact]
    public void Consumes_frames_applies_only_to_a_model()
    {
        var builder = Builder("Local");
        var service = builder.AddProject<CoverageProject>("not-a-model");

        var ex = Assert.Throws<DistributedApplicationException>(() => service.ConsumesFrames(FrameStage.Processed));

        Assert.Contains("'not-a-model' was not added with AddModel", ex.Message);
    }
}
