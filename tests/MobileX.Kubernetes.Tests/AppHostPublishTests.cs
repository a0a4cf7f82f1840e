namespace MobileX.Kubernetes.Tests;

/// <summary>The checks of <see cref="ManifestChecks"/> on whatever the AppHost holds today; it grows with each service.</summary>
[Collection(AppHostPublishCollection.Name)]
public sealed class AppHostPublishTests(AppHostPublishFixture fixture) : PublishedOutputChecks(fixture)
{
    [Fact]
    public void WritesAChartAndAKustomization()
    {
        Assert.True(File.Exists(Path.Combine(Output.ChartDirectory, "Chart.yaml")));
        Assert.True(File.Exists(Path.Combine(Output.ChartDirectory, "values.yaml")));
        Assert.True(File.Exists(Path.Combine(Output.ManifestsDirectory, "kustomization.yaml")));
        Assert.Contains(Output.Objects, o => o.Object is k8s.Models.V1StatefulSet { Metadata.Name: "nats" });
        Assert.Contains(Output.Objects, o => o.Object is k8s.Models.V1StatefulSet { Metadata.Name: "minio" });
    }

    /// <summary>Settings that only mean something on the developer's machine stay out of the chart and the plain form.</summary>
    [Fact]
    public void RunOnlySettingsNeverReachTheOutput()
    {
        var root = MobileX.Testing.RepositoryPaths.Root;
        foreach (var file in Output.AllFiles)
        {
            var text = File.ReadAllText(file);
            Assert.DoesNotContain("Capture__SamplesFolder", text, StringComparison.Ordinal);
            Assert.DoesNotContain(root, text, StringComparison.Ordinal);
            Assert.DoesNotContain("Development", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void NatsGetsItsAuthorizationFileFromAConfigMapAtThePathItsArgumentsName()
    {
        var nats = Output.Objects.Select(o => o.Object).OfType<k8s.Models.V1StatefulSet>().Single(s => s.Metadata.Name == "nats");
        var container = Assert.Single(nats.Spec.Template.Spec.Containers);
        var configPath = container.Args[container.Args.IndexOf("-c") + 1];
        var mount = Assert.Single(container.VolumeMounts, m => m.MountPath == configPath);
        var volume = Assert.Single(nats.Spec.Template.Spec.Volumes, v => v.Name == mount.Name);

        var configMap = Output.Objects.Select(o => o.Object).OfType<k8s.Models.V1ConfigMap>().Single(c => c.Metadata.Name == volume.ConfigMap.Name);
        var file = configMap.Data[mount.SubPath];
        Assert.Contains("authorization", file);
        Assert.Contains("\"mobilex.stations.01.frames.raw\", \"mobilex.stations.01.health\"", file);
        Assert.DoesNotContain("mobilex.stations.01.>", file);
        Assert.Contains("user: \"preprocessor\", password: $PREPROCESSOR_PASSWORD", file);
        Assert.Contains("user: \"api\", password: $API_PASSWORD", file);
        Assert.Contains("$NATS_PASSWORD", file);

        // The coverage model's user: its password from its own Secret, the one the model's Deployment reads too.
        var model = Assert.Single(file.Split('\n'), l => l.Contains("user: \"model-coverage\"", StringComparison.Ordinal));
        Assert.Contains("password: $MODEL_COVERAGE_PASSWORD", model);
        Assert.Contains("\"$JS.API.CONSUMER.MSG.NEXT.FRAMES.model-coverage-processed\"", model);
        Assert.Contains("\"$JS.API.CONSUMER.MSG.NEXT.FRAMES.model-coverage-rejected\"", model);
        Assert.DoesNotContain("model-coverage-raw", model);
        Assert.Contains("subscribe: { allow: [\"_INBOX.model-coverage.>\", \"mobilex.stations.*.frames.processed\", \"mobilex.stations.*.frames.rejected\"] }", model);
        var password = Assert.Single(container.Env, e => e.Name == "MODEL_COVERAGE_PASSWORD");
        Assert.Equal("\"$(MOBILEX_SECRET_NATS_MODEL_COVERAGE_PASSWORD)\"", password.Value);
        Assert.Equal("nats-model-coverage-password", SecretOf(container, "MOBILEX_SECRET_NATS_MODEL_COVERAGE_PASSWORD"));
    }

    [Theory]
    [InlineData("capture", "capture")]
    [InlineData("preprocessor", "preprocessor")]
    [InlineData("api-1", "api")]
    public void EveryServiceConnectsToNatsAsItsOwnUserNeverTheAdmin(string deployment, string user)
    {
        var workload = Assert.Single(Output.OfType<k8s.Models.V1Deployment>(), d => d.Metadata.Name == deployment);
        var container = Assert.Single(workload.Spec.Template.Spec.Containers);
        var secret = $"MOBILEX_SECRET_NATS_{user.ToUpperInvariant()}_PASSWORD";
        Assert.Equal($"nats://{user}:$({secret})@nats-service:4222", Assert.Single(container.Env, e => e.Name == "ConnectionStrings__nats").Value);
        Assert.Equal($"nats-{user}-password", SecretOf(container, secret));
        Assert.DoesNotContain(container.Env, e => e.Name == "MOBILEX_SECRET_NATS_PASSWORD");
    }

    [Fact]
    public void TheCoverageModelRunsWithItsOwnNatsAndMinioUsersNeverTheAdmins()
    {
        var coverage = Assert.Single(Output.OfType<k8s.Models.V1Deployment>(), d => d.Metadata.Name == "coverage");
        var container = Assert.Single(coverage.Spec.Template.Spec.Containers);
        Assert.Equal("registry.example.com/mobilex/coverage:latest", container.Image);

        Assert.Equal("nats://model-coverage:$(MOBILEX_SECRET_NATS_MODEL_COVERAGE_PASSWORD)@nats-service:4222",
            Assert.Single(container.Env, e => e.Name == "ConnectionStrings__nats").Value);
        Assert.Equal("Endpoint=http://minio-service:9000;AccessKey=model-coverage;SecretKey=$(MOBILEX_SECRET_MINIO_MODEL_COVERAGE_PASSWORD)",
            Assert.Single(container.Env, e => e.Name == "ConnectionStrings__minio").Value);
        Assert.Equal("nats-model-coverage-password", SecretOf(container, "MOBILEX_SECRET_NATS_MODEL_COVERAGE_PASSWORD"));
        Assert.Equal("minio-model-coverage-password", SecretOf(container, "MOBILEX_SECRET_MINIO_MODEL_COVERAGE_PASSWORD"));
        Assert.DoesNotContain(container.Env, e => e.ValueFrom?.SecretKeyRef?.Name is "nats-password" or "minio-rootpassword");

        var config = Output.OfType<k8s.Models.V1ConfigMap>().Single(c => c.Metadata.Name == "coverage-config");
        Assert.Equal("coverage", config.Data["Feeds__Model"]);
        Assert.Equal("processed", config.Data["Feeds__Stages__0"]);
        Assert.Equal("rejected", config.Data["Feeds__Stages__1"]);
        Assert.DoesNotContain(config.Data.Keys, k => k.StartsWith("NATS_", StringComparison.Ordinal) || k.StartsWith("MINIO_", StringComparison.Ordinal));
    }

    [Fact]
    public void TheModelsMinioUserIsMadeByAJobThatRetriesUntilMinioAnswers()
    {
        var job = Assert.Single(Output.OfType<k8s.Models.V1Job>());
        Assert.Equal("coverage-minio-user", job.Metadata.Name);
        Assert.Equal(10, job.Spec.BackoffLimit);
        Assert.Equal("OnFailure", job.Spec.Template.Spec.RestartPolicy);
        var container = Assert.Single(job.Spec.Template.Spec.Containers);
        Assert.Equal($"docker.io/minio/mc:{MobileX.Hosting.Models.MinioModelUser.ImageTag}", container.Image);
        Assert.Equal(["/bin/sh"], container.Command);
        Assert.Equal("-c", container.Args[0]);
        Assert.Contains("mc admin user add mobilex model-coverage \"$MODEL_SECRET_KEY\"", container.Args[1]);
        Assert.Contains("mc admin policy attach mobilex model-coverage-read --user model-coverage", container.Args[1]);
        Assert.True(container.SecurityContext.ReadOnlyRootFilesystem);

        // The root credentials and the model's secret come from the same Secrets as MinIO's and the model's own.
        Assert.Equal("minio-rootpassword", SecretOf(container, "MOBILEX_SECRET_MINIO_ROOTPASSWORD"));
        Assert.Equal("minio-model-coverage-password", SecretOf(container, "MOBILEX_SECRET_MINIO_MODEL_COVERAGE_PASSWORD"));
        Assert.Equal("$(MOBILEX_SECRET_MINIO_MODEL_COVERAGE_PASSWORD)", Assert.Single(container.Env, e => e.Name == "MODEL_SECRET_KEY").Value);
        var config = Output.OfType<k8s.Models.V1ConfigMap>().Single(c => c.Metadata.Name == "coverage-minio-user-config");
        Assert.Equal("http://minio-service:9000", config.Data["MINIO_ENDPOINT"]);

        var template = File.ReadAllText(Path.Combine(Output.ChartDirectory, "templates", "coverage-minio-user", "job.yaml"));
        Assert.Contains("backoffLimit: {{ .Values.jobs.coverage_minio_user.backoffLimit }}", template, StringComparison.Ordinal);
    }

    private static string SecretOf(k8s.Models.V1Container container, string variable) =>
        Assert.Single(container.Env, e => e.Name == variable).ValueFrom.SecretKeyRef.Name;
}
