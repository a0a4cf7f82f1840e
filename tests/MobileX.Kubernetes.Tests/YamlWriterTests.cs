using MobileX.AppHost.Kubernetes;

namespace MobileX.Kubernetes.Tests;

public sealed class YamlWriterTests
{
    private static YMap Sample() => new YMap()
        .Add("name", "api")
        .Add("replicas", new YTemplate("{{ .Values.replicas.api }}", new YScalar(2)))
        .AddIf(".Values.ingress.className", false, new YMap().Add("ingressClassName", "nginx"))
        .Add("resources", new YValuesBlock("resources.api", new YMap().Add("cpu", "100m")))
        .Add("args", new YList().Add("-js").Add(new YIf(".Values.nats.cluster.enabled", false, new YList().Add("--cluster"))))
        .Add("ports", new YList().Add(new YMap().Add("name", "http").Add("containerPort", 8080)))
        .Add("volumes", new YList())
        .Add("note", "say \"hi\"\n");

    [Fact]
    public void The_plain_form_writes_defaults_and_leaves_out_disabled_parts()
    {
        Assert.Equal(
            """
            name: "api"
            replicas: 2
            resources:
              cpu: "100m"
            args:
              - "-js"
            ports:
              - name: "http"
                containerPort: 8080
            volumes: []
            note: "say \"hi\"\n"

            """.ReplaceLineEndings("\n"),
            YamlWriter.Write(Sample(), helm: false));
    }

    [Fact]
    public void The_chart_form_references_values_and_keeps_conditions()
    {
        Assert.Equal(
            """
            name: "api"
            replicas: {{ .Values.replicas.api }}
            {{- if .Values.ingress.className }}
            ingressClassName: "nginx"
            {{- end }}
            resources:
              {{- toYaml .Values.resources.api | nindent 2 }}
            args:
              - "-js"
              {{- if .Values.nats.cluster.enabled }}
              - "--cluster"
              {{- end }}
            ports:
              - name: "http"
                containerPort: 8080
            volumes: []
            note: "say \"hi\"\n"

            """.ReplaceLineEndings("\n"),
            YamlWriter.Write(Sample(), helm: true));
    }

    [Fact]
    public void Values_paths_are_created_once_and_keep_their_first_value()
    {
        var values = new ValuesBuilder();
        var node = values.Scalar("autoscaling.api.maxReplicas", 6);
        values.Set("autoscaling.api.maxReplicas", 9);
        values.Set("autoscaling.preprocessor.enabled", true);

        Assert.Equal("{{ .Values.autoscaling.api.maxReplicas }}", node.Helm);
        Assert.Equal(
            """
            autoscaling:
              api:
                maxReplicas: 6
              preprocessor:
                enabled: true

            """.ReplaceLineEndings("\n"),
            YamlWriter.Write(values.Root, helm: false));
    }

    [Theory]
    [InlineData("api", "api", "api")]
    [InlineData("api-1", "api-1", "api_1")]
    [InlineData("minio-rootPassword", "minio-rootpassword", "minio_rootPassword")]
    public void Names_follow_kubernetes_and_helm_rules(string resource, string objectName, string valuesKey)
    {
        Assert.Equal(objectName, KubernetesNames.Object(resource));
        Assert.Equal(valuesKey, KubernetesNames.ValuesKey(resource));
    }

    [Theory]
    [InlineData("api", true)]
    [InlineData("api-2", true)]
    [InlineData("preprocessor", true)]
    [InlineData("gateway", false)]
    [InlineData("apis", false)]
    public void Only_api_and_preprocessor_autoscale(string name, bool autoscaled) =>
        Assert.Equal(autoscaled, KubernetesPublisher.IsAutoscaled(name));
}
