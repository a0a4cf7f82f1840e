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
    public void OneProvisioningJobMakesEveryMinioUserBucketAndLifecycleRuleAndRetriesUntilMinioAnswers()
    {
        var job = Assert.Single(Output.OfType<k8s.Models.V1Job>());
        Assert.Equal("minio-provision", job.Metadata.Name);
        Assert.Equal(10, job.Spec.BackoffLimit);
        Assert.Equal("OnFailure", job.Spec.Template.Spec.RestartPolicy);
        var container = Assert.Single(job.Spec.Template.Spec.Containers);
        Assert.Equal($"docker.io/minio/mc:{MobileX.Hosting.Minio.MinioProvisioning.ImageTag}", container.Image);
        Assert.Equal(["/bin/sh"], container.Command);
        var script = container.Args[1];
        foreach (var user in new[] { "capture", "preprocessor", "api", "model-coverage", "station-01", "station-10" })
        {
            Assert.Contains($"mc admin user add mobilex {user} \"$S3_SECRET_{user.Replace('-', '_').ToUpperInvariant()}\"", script);
        }

        Assert.Contains("mc mb --ignore-existing mobilex/station-03", script);
        Assert.Contains("if [ \"$RETENTION_STATIONS_DAYS\" -gt 0 ]; then mc ilm rule add --expire-days \"$RETENTION_STATIONS_DAYS\" mobilex/station-03; fi", script);
        Assert.Contains("mc ilm rule add --expire-days \"$RETENTION_AVATARS_DAYS\" mobilex/avatars", script);
        Assert.True(container.SecurityContext.ReadOnlyRootFilesystem);

        // Each user's secret from its own Secret; the root's from MinIO's.
        Assert.Equal("minio-rootpassword", SecretOf(container, "MOBILEX_SECRET_MINIO_ROOTPASSWORD"));
        Assert.Equal("minio-station-03-password", SecretOf(container, "MOBILEX_SECRET_MINIO_STATION_03_PASSWORD"));
        Assert.Equal("$(MOBILEX_SECRET_MINIO_MODEL_COVERAGE_PASSWORD)", Assert.Single(container.Env, e => e.Name == "S3_SECRET_MODEL_COVERAGE").Value);
        var config = Output.OfType<k8s.Models.V1ConfigMap>().Single(c => c.Metadata.Name == "minio-provision-config");
        Assert.Equal("http://minio-service:9000", config.Data["MINIO_ENDPOINT"]);
        Assert.Equal("7", config.Data["RETENTION_STATIONS_DAYS"]);
        Assert.Equal("30", config.Data["RETENTION_PROCESSED_DAYS"]);
        Assert.Equal("90", config.Data["RETENTION_AVATARS_DAYS"]);

        var template = File.ReadAllText(Path.Combine(Output.ChartDirectory, "templates", "minio-provision", "config.yaml"));
        Assert.Contains("RETENTION_STATIONS_DAYS: \"{{ .Values.parameters.retention_stations_days }}\"", template, StringComparison.Ordinal);
    }

    [Fact]
    public void ServicesAndStationsUseTheirOwnMinioKeysNeverTheRoot()
    {
        foreach (var (service, user) in new[] { ("capture", "capture"), ("preprocessor", "preprocessor"), ("api-1", "api"), ("api-2", "api") })
        {
            var container = Assert.Single(Assert.Single(Output.OfType<k8s.Models.V1Deployment>(), d => d.Metadata.Name == service).Spec.Template.Spec.Containers);
            Assert.Equal($"Endpoint=http://minio-service:9000;AccessKey={user};SecretKey=$(MOBILEX_SECRET_MINIO_{user.ToUpperInvariant()}_PASSWORD)",
                Assert.Single(container.Env, e => e.Name == "ConnectionStrings__minio").Value);
            Assert.DoesNotContain(container.Env, e => e.ValueFrom?.SecretKeyRef?.Name == "minio-rootpassword");
        }

        var capture = Assert.Single(Output.OfType<k8s.Models.V1Deployment>(), d => d.Metadata.Name == "capture").Spec.Template.Spec.Containers.Single();
        Assert.Equal("$(MOBILEX_SECRET_MINIO_STATION_03_PASSWORD)", Assert.Single(capture.Env, e => e.Name == "StationS3Credentials__03__SecretKey").Value);
        var config = Output.OfType<k8s.Models.V1ConfigMap>().Single(c => c.Metadata.Name == "capture-config");
        Assert.Equal("station-03", config.Data["StationS3Credentials__03__AccessKey"]);
        Assert.DoesNotContain(config.Data.Keys, k => k.StartsWith("Retention__", StringComparison.Ordinal));
    }

    [Fact]
    public void TheGatewayRunsTwoPodsWithMaxUnavailableZeroAndADisruptionBudget()
    {
        var gateway = Assert.Single(Output.OfType<k8s.Models.V1Deployment>(), d => d.Metadata.Name == "gateway");
        Assert.True(gateway.Spec.Replicas >= 2);
        Assert.Equal("0", gateway.Spec.Strategy.RollingUpdate.MaxUnavailable.Value);
        var pdb = Assert.Single(Output.OfType<k8s.Models.V1PodDisruptionBudget>());
        Assert.Equal("gateway", pdb.Spec.Selector.MatchLabels["app.kubernetes.io/component"]);
        Assert.Equal("1", pdb.Spec.MaxUnavailable.Value);
        Assert.Equal("1", Assert.Single(Output.OfType<k8s.Models.V1Deployment>(), d => d.Metadata.Name == "preprocessor").Spec.Strategy.RollingUpdate.MaxUnavailable.Value);
    }

    [Fact]
    public void OnlyTheGatewayReachesTheApiOnlyTheApiReachesInferenceAndNatsAndMinioOnlyTheirClients()
    {
        var policies = Output.OfType<k8s.Models.V1NetworkPolicy>().ToDictionary(p => p.Metadata.Name);
        var deny = policies["mobilex-default-deny"];
        Assert.Equal(["Ingress"], deny.Spec.PolicyTypes);
        Assert.Null(deny.Spec.Ingress);
        Assert.Equal(["gateway"], Sources(policies["api-1"]));
        Assert.Equal(["gateway"], Sources(policies["api-2"]));
        Assert.Equal(["api-1", "api-2"], Sources(policies["inference"]));
        Assert.Equal(["api-1", "api-2", "capture", "coverage", "preprocessor"], Sources(policies["nats"]).Where(s => s != "nats"));
        Assert.Equal(["api-1", "api-2", "capture", "coverage", "minio-provision", "preprocessor"], Sources(policies["minio"]));
        // Nothing connects to a worker: its policy has no rule.
        Assert.Empty(policies["preprocessor"].Spec.Ingress ?? []);
        // NATS peers reach each other only on the route port.
        Assert.Contains(policies["nats"].Spec.Ingress, r => r.Ports.Count == 1 && r.Ports[0].Port.Value == "6222" && r.FromProperty.Single().PodSelector.MatchLabels["app.kubernetes.io/component"] == "nats");
    }

    [Fact]
    public void TlsIsOffByDefaultAndOnByValuesWithOptionalCertManager()
    {
        Assert.Null(Assert.Single(Output.OfType<k8s.Models.V1Ingress>()).Spec.Tls);
        var template = File.ReadAllText(Path.Combine(Output.ChartDirectory, "templates", "gateway", "ingress.yaml"));
        Assert.StartsWith("{{- if .Values.ingress.enabled }}\n{{- if .Values.ingress.tls.enabled }}\n", template, StringComparison.Ordinal);
        Assert.Contains("  tls:\n  - hosts:\n    - {{ .Values.ingress.host | quote }}\n    secretName: {{ .Values.ingress.tls.secretName | quote }}", template, StringComparison.Ordinal);
        Assert.Contains("{{- if .Values.ingress.certManager.clusterIssuer }}\n    cert-manager.io/cluster-issuer: {{ .Values.ingress.certManager.clusterIssuer | quote }}", template, StringComparison.Ordinal);
    }

    [Fact]
    public void NatsRoutesPresentAndRequireTheRoutePasswordFromItsOwnSecret()
    {
        var template = File.ReadAllText(Path.Combine(Output.ChartDirectory, "templates", "nats", "statefulset.yaml"));
        Assert.Contains("- nats://route:$(MOBILEX_SECRET_NATS_ROUTE_PASSWORD)@0.0.0.0:6222", template, StringComparison.Ordinal);
        Assert.Contains("printf \"nats://route:$(MOBILEX_SECRET_NATS_ROUTE_PASSWORD)@nats-%d.nats-headless:6222\"", template, StringComparison.Ordinal);
        Assert.Contains("name: {{ .Values.secrets.existingSecret | default \"nats-route-password\" | quote }}", template, StringComparison.Ordinal);
        Assert.Contains("nats-route-password", Output.RequiredSecrets);
    }

    [Fact]
    public void ThePlainFormHoldsNoSecretValueOnlyTheNamesToCreate()
    {
        Assert.Empty(Output.OfType<k8s.Models.V1Secret>());
        Assert.Contains("minio-station-03-password", Output.RequiredSecrets);
        Assert.False(File.Exists(Path.Combine(Output.ManifestsDirectory, ".gitignore")));
        var secret = File.ReadAllText(Path.Combine(Output.ChartDirectory, "templates", "nats-route-password", "secret.yaml"));
        Assert.Contains("{{ randAlphaNum 32 | quote }}", secret, StringComparison.Ordinal);
    }

    private static List<string> Sources(k8s.Models.V1NetworkPolicy policy) =>
        [.. policy.Spec.Ingress.SelectMany(r => r.FromProperty ?? []).Where(p => p.PodSelector is not null).Select(p => p.PodSelector.MatchLabels["app.kubernetes.io/component"]).Distinct().Order(StringComparer.Ordinal)];

    private static string SecretOf(k8s.Models.V1Container container, string variable) =>
        Assert.Single(container.Env, e => e.Name == variable).ValueFrom.SecretKeyRef.Name;
}
