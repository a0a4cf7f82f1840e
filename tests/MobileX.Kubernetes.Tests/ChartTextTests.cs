using k8s.Models;
using MobileX.Hosting.Kubernetes.Chart;

namespace MobileX.Kubernetes.Tests;

/// <summary>The thin Helm layer over the typed models: each placeholder becomes exactly its action, and nothing else changes.</summary>
public sealed class ChartTextTests
{
    private static V1Deployment Deployment(HelmScope scope) => new()
    {
        ApiVersion = "apps/v1",
        Kind = "Deployment",
        Metadata = new V1ObjectMeta { Name = "api" },
        Spec = new V1DeploymentSpec
        {
            Replicas = scope.Number("replicas.api", 2),
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "api" } },
            Template = new V1PodTemplateSpec
            {
                Spec = new V1PodSpec
                {
                    Containers =
                    [
                        new V1Container
                        {
                            Name = "api",
                            Image = scope.Text("images.api", "registry.example.com/api:1"),
                            Args = ["--port", "8080"],
                            Resources = new V1ResourceRequirements
                            {
                                Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = scope.Quantity("resources.api.cpu", "100m") },
                            },
                        },
                    ],
                },
            },
        },
    };

    [Fact]
    public void The_plain_form_holds_the_defaults_and_no_action()
    {
        var values = new HelmValues();
        var plain = ChartText.Plain([Deployment(HelmScope.Plain(values))]);

        Assert.Contains("replicas: 2\n", plain, StringComparison.Ordinal);
        Assert.Contains("image: registry.example.com/api:1\n", plain, StringComparison.Ordinal);
        Assert.Contains("cpu: 100m\n", plain, StringComparison.Ordinal);
        Assert.DoesNotContain("{{", plain, StringComparison.Ordinal);
        Assert.DoesNotContain(HelmScope.TextPrefix, plain, StringComparison.Ordinal);
    }

    [Fact]
    public void The_chart_puts_each_action_where_its_value_was_and_fills_values_yaml()
    {
        var values = new HelmValues();
        var scope = HelmScope.Chart(values);
        var chart = ChartText.Template([Deployment(scope)], scope);

        Assert.Contains("replicas: {{ .Values.replicas.api }}\n", chart, StringComparison.Ordinal);
        Assert.Contains("image: {{ .Values.images.api | quote }}\n", chart, StringComparison.Ordinal);
        Assert.Contains("cpu: {{ .Values.resources.api.cpu | quote }}\n", chart, StringComparison.Ordinal);
        // Literal values stay as they are, numbers included.
        Assert.Contains("- \"8080\"\n", chart, StringComparison.Ordinal);
        Assert.DoesNotContain("19000000", chart, StringComparison.Ordinal);
        Assert.Equal(2, ((Dictionary<string, object?>)values.Root["replicas"]!)["api"]);
    }

    [Fact]
    public void A_conditional_key_is_wrapped_in_its_condition_in_the_chart()
    {
        var scope = HelmScope.Chart(new HelmValues());
        var map = new V1ConfigMap
        {
            ApiVersion = "v1",
            Kind = "ConfigMap",
            Metadata = new V1ObjectMeta { Name = "c" },
            Data = new Dictionary<string, string> { [scope.ConditionalKey(".Values.otlp", "OTEL_EXPORTER_OTLP_ENDPOINT")] = scope.Text("otlp", string.Empty) },
        };

        var chart = ChartText.Template([map], scope);
        Assert.Contains("  {{- if .Values.otlp }}\n  OTEL_EXPORTER_OTLP_ENDPOINT: {{ .Values.otlp | quote }}\n  {{- end }}\n", chart, StringComparison.Ordinal);
    }

    [Fact]
    public void A_placeholder_inside_a_longer_value_is_refused_rather_than_written()
    {
        var scope = HelmScope.Chart(new HelmValues());
        var map = new V1ConfigMap
        {
            ApiVersion = "v1",
            Kind = "ConfigMap",
            Metadata = new V1ObjectMeta { Name = "c" },
            Data = new Dictionary<string, string> { ["url"] = "http://" + scope.Text("host", "h") + ":80" },
        };

        Assert.Throws<InvalidOperationException>(() => ChartText.Template([map], scope));
    }
}
