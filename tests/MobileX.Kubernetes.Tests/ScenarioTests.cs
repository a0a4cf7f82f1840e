using k8s.Models;

namespace MobileX.Kubernetes.Tests;

[Collection(ScenarioCollection.Name)]
public sealed class ScenarioTests(ScenarioFixture fixture) : PublishedOutputChecks(fixture)
{
    [Fact]
    public void EveryDocumentParsesStrictly() =>
        Assert.True(Output.Objects.Count >= 20, $"only {Output.Objects.Count} documents were written");

    [Fact]
    public void ApiAndPreprocessorAutoscaleOnCpu()
    {
        var targets = Output.OfType<V2HorizontalPodAutoscaler>().Select(h => h.Spec.ScaleTargetRef.Name).Order(StringComparer.Ordinal);
        Assert.Equal(["api", "preprocessor"], targets);
        Assert.All(Output.OfType<V2HorizontalPodAutoscaler>(), h => Assert.Equal(2, h.Spec.MinReplicas));
    }

    [Fact]
    public void KedaScalesThePreprocessorOnConsumerLagOnlyWhenEnabled()
    {
        var template = File.ReadAllText(Path.Combine(Output.ChartDirectory, "templates", "preprocessor", "scaledobject.yaml"));
        Assert.StartsWith("{{- if .Values.keda.enabled }}", template, StringComparison.Ordinal);
        Assert.Contains("type: nats-jetstream", template, StringComparison.Ordinal);
        Assert.Contains(".Values.keda.preprocessor.stream", template, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Output.ManifestsDirectory, "preprocessor", "scaledobject.yaml")));

        // KEDA brings its own HorizontalPodAutoscaler; the chart's must step aside when KEDA is on.
        var hpa = File.ReadAllText(Path.Combine(Output.ChartDirectory, "templates", "preprocessor", "hpa.yaml"));
        Assert.StartsWith("{{- if and .Values.autoscaling.preprocessor.enabled (not .Values.keda.enabled) }}", hpa, StringComparison.Ordinal);
        var values = ManifestChecks.LoadYaml(Path.Combine(Output.ChartDirectory, "values.yaml"));
        Assert.Equal("false", ((YamlDotNet.RepresentationModel.YamlScalarNode)((YamlDotNet.RepresentationModel.YamlMappingNode)values.Children["keda"]).Children["enabled"]).Value);
    }

    [Fact]
    public void OnlyTheGatewayIsExposed()
    {
        var ingress = Assert.Single(Output.OfType<V1Ingress>());
        Assert.Equal("gateway-service", ingress.Spec.Rules.Single().Http.Paths.Single().Backend.Service.Name);
        Assert.All(Output.OfType<V1Service>(), s => Assert.True(s.Spec.Type is null or "ClusterIP"));
    }

    [Fact]
    public void TheGatewayReachesEachApiReplicaThroughAHeadlessService()
    {
        var headless = Output.OfType<V1Service>().Where(s => s.Spec.ClusterIP == "None").Select(s => s.Metadata.Name).ToHashSet();
        Assert.Contains("api-headless", headless);
        Assert.Contains("nats-headless", headless);
        Assert.DoesNotContain("capture-headless", headless);
    }

    [Fact]
    public void ServicesGetTheirLocalEnvironmentNamesWithClusterAddresses()
    {
        var gateway = Output.OfType<V1ConfigMap>().Single(c => c.Metadata.Name == "gateway-config");
        Assert.Equal("http://api-service:8080", gateway.Data["services__api__http__0"]);

        var api = Output.OfType<V1Deployment>().Single(d => d.Metadata.Name == "api").Spec.Template.Spec.Containers.Single();
        var nats = api.Env.Single(e => e.Name == "ConnectionStrings__nats");
        Assert.Equal("nats://nats:$(MOBILEX_SECRET_NATS_PASSWORD)@nats-service:4222", nats.Value);
        var minio = api.Env.Single(e => e.Name == "ConnectionStrings__minio");
        Assert.Equal("Endpoint=http://minio-service:9000;AccessKey=minioadmin;SecretKey=$(MOBILEX_SECRET_MINIO_ROOTPASSWORD)", minio.Value);

        var capture = Output.OfType<V1ConfigMap>().Single(c => c.Metadata.Name == "capture-config");
        Assert.Equal("10", capture.Data["Capture__Stations"]);
        Assert.Equal("1", capture.Data["Streams__Replicas"]);
    }

    [Fact]
    public void ProjectsProbeHealthAndAliveAndRunReadOnly()
    {
        foreach (var deployment in Output.OfType<V1Deployment>())
        {
            var container = deployment.Spec.Template.Spec.Containers.Single();
            Assert.Equal("/health", container.ReadinessProbe.HttpGet.Path);
            Assert.Equal("/alive", container.LivenessProbe.HttpGet.Path);
            Assert.True(container.SecurityContext.ReadOnlyRootFilesystem);
            Assert.StartsWith("registry.example.com/mobilex/", container.Image, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void NatsKeepsJetStreamOnAPersistentFileStoreWithAClusterOption()
    {
        var nats = Output.OfType<V1StatefulSet>().Single(s => s.Metadata.Name == "nats");
        var container = nats.Spec.Template.Spec.Containers.Single();
        Assert.Contains("-js", container.Args);
        var store = container.Args[container.Args.IndexOf("-sd") + 1];
        var mount = container.VolumeMounts.Single(m => m.MountPath == store);
        Assert.Contains(nats.Spec.VolumeClaimTemplates, c => c.Metadata.Name == mount.Name);

        // The chart holds a clustered StatefulSet and a single server; the plain form is the single one.
        var template = File.ReadAllText(Path.Combine(Output.ChartDirectory, "templates", "nats", "statefulset.yaml"));
        Assert.StartsWith("{{- if .Values.nats.cluster.enabled }}", template, StringComparison.Ordinal);
        Assert.Contains("replicas: {{ .Values.nats.cluster.replicas }}", template, StringComparison.Ordinal);
        Assert.Contains("{{- else }}", template, StringComparison.Ordinal);
        Assert.Contains("- --routes\n", template, StringComparison.Ordinal);
        Assert.Equal(1, nats.Spec.Replicas);
        Assert.DoesNotContain("--routes", container.Args);
        var config = File.ReadAllText(Path.Combine(Output.ChartDirectory, "templates", "api", "config.yaml"));
        Assert.Contains("Streams__Replicas: {{ if .Values.nats.cluster.enabled }}{{ .Values.nats.cluster.replicas | quote }}", config, StringComparison.Ordinal);
    }

    [Fact]
    public void SecretsAreGeneratedAtInstallUnlessGiven()
    {
        var secret = File.ReadAllText(Path.Combine(Output.ChartDirectory, "templates", "inference-api-key", "secret.yaml"));
        Assert.Contains("{{ if .Values.secrets.inference_api_key }}", secret, StringComparison.Ordinal);
        Assert.Contains("lookup \"v1\" \"Secret\" .Release.Namespace \"inference-api-key\"", secret, StringComparison.Ordinal);
        Assert.Contains("randAlphaNum 32", secret, StringComparison.Ordinal);
        // No written file holds a value: the plain form has no Secret, only the names to create.
        Assert.Empty(Output.OfType<V1Secret>());
        Assert.Contains("inference-api-key", Output.RequiredSecrets);
        Assert.Contains("{{- if not .Values.secrets.existingSecret }}", secret, StringComparison.Ordinal);
    }

    [Fact]
    public void WhenTheValuesAskForTlsTheIngressHasATlsBlockAndTheCertManagerIssuer()
    {
        var ingress = Assert.Single(Output.OfType<V1Ingress>());
        var tls = Assert.Single(ingress.Spec.Tls);
        Assert.Equal("scenario-tls", tls.SecretName);
        Assert.Equal(ingress.Spec.Rules[0].Host, Assert.Single(tls.Hosts));
        Assert.Equal("letsencrypt", ingress.Metadata.Annotations["cert-manager.io/cluster-issuer"]);

        var values = File.ReadAllText(Path.Combine(Output.ChartDirectory, "values.yaml"));
        Assert.Contains("secretName: scenario-tls", values, StringComparison.Ordinal);
        Assert.Contains("clusterIssuer: letsencrypt", values, StringComparison.Ordinal);
    }

    [Fact]
    public void NetworkPoliciesFollowTheReferencesOfTheModel()
    {
        var policies = Output.OfType<V1NetworkPolicy>().ToDictionary(p => p.Metadata.Name);
        Assert.Equal(["gateway"], Sources(policies["api"]));
        Assert.Equal(["api"], Sources(policies["inference"]));
        // Behind the Ingress: one rule with no source, so anything may reach its port.
        Assert.Contains(policies["gateway"].Spec.Ingress, r => r.FromProperty is null && r.Ports.Single().Port.Value == "8080");
    }

    private static List<string> Sources(V1NetworkPolicy policy) =>
        [.. policy.Spec.Ingress.SelectMany(r => r.FromProperty ?? []).Select(p => p.PodSelector?.MatchLabels["app.kubernetes.io/component"] ?? "?").Order(StringComparer.Ordinal)];
}
