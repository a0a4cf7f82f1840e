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
        Assert.Contains("mobilex.stations.01.>", file);
        Assert.Contains("$NATS_PASSWORD", file);
    }
}
