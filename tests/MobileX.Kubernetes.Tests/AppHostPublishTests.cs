namespace MobileX.Kubernetes.Tests;

/// <summary>The checks of <see cref="ManifestChecks"/> on whatever the AppHost holds today; it grows with each service.</summary>
[Collection(AppHostPublishCollection.Name)]
public sealed class AppHostPublishTests(AppHostPublishFixture fixture)
{
    private PublishedOutput Output => fixture.Output;

    [Fact]
    public void WritesAChartAndAKustomization()
    {
        Assert.True(File.Exists(Path.Combine(Output.ChartDirectory, "Chart.yaml")));
        Assert.True(File.Exists(Path.Combine(Output.ChartDirectory, "values.yaml")));
        Assert.True(File.Exists(Path.Combine(Output.ManifestsDirectory, "kustomization.yaml")));
        Assert.Contains(Output.Objects, o => o.Object is k8s.Models.V1StatefulSet { Metadata.Name: "nats" });
        Assert.Contains(Output.Objects, o => o.Object is k8s.Models.V1StatefulSet { Metadata.Name: "minio" });
    }

    [Fact]
    public Task EveryDocumentPassesSchemaValidation() => ManifestChecks.SchemaValidatesAsync(Output, TestContext.Current.CancellationToken);

    [Fact]
    public Task KustomizeBuildsThePlainForm() => ManifestChecks.KustomizeBuildsAsync(Output, TestContext.Current.CancellationToken);

    [Fact]
    public void ReferencesResolve() => ManifestChecks.ReferencesResolve(Output);

    [Fact]
    public void ContainersAreHardened() => ManifestChecks.ContainersAreHardened(Output);

    [Fact]
    public void NoSecretValueFromALocalRunLeaks() => ManifestChecks.NoSecretLeaks(Output, fixture.SecretValues);

    [Fact]
    public Task ReplicasAndEnvironmentMatchTheModel() =>
        ManifestChecks.MatchesModelAsync(Output, fixture.Model, fixture.ExecutionContext, TestContext.Current.CancellationToken);

    [Fact]
    public void ChartIsComplete() => ManifestChecks.ChartIsComplete(Output);

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
        Assert.Contains("mobilex.stations.01.>", file);
        Assert.Contains("$NATS_PASSWORD", file);
    }
}
