using k8s.Models;
using MobileX.Hosting.Kubernetes.Chart;
using MobileX.Hosting.Kubernetes.Model;

namespace MobileX.Hosting.Kubernetes.Workloads;

public sealed partial class WorkloadManifests
{
    private IEnumerable<ManifestFile> ServiceFiles()
    {
        if (Workload.Ports.Count > 0)
        {
            yield return new ManifestFile(Name, "service.yaml", scope => [Service(scope)]);
        }

        // StatefulSets need one for stable pod names; clients that balance over pods themselves ask for one.
        if (Workload.Kind == WorkloadKind.StatefulContainer || Options.HeadlessService)
        {
            yield return new ManifestFile(Name, "headless-service.yaml", scope => [HeadlessService(scope)]);
        }

        if (Options.Ingress && Workload.Ports.Count > 0)
        {
            // TLS on or off by values; the plain form is the default branch.
            var tlsByDefault = environment.IngressTlsSecretName is { Length: > 0 };
            yield return new ManifestFile(Name, "ingress.yaml", scope => [Ingress(scope, tls: true)])
            {
                EnabledWhen = ".Values.ingress.enabled",
                HelmCondition = ".Values.ingress.tls.enabled",
                Otherwise = scope => [Ingress(scope, tls: false)],
                Plain = tlsByDefault ? scope => [Ingress(scope, tls: true)] : null,
            };
        }
    }

    private List<V1ServicePort> ServicePorts() =>
        Workload.Ports.Select(p => new V1ServicePort { Name = p.Name, Port = p.Port, TargetPort = p.Name, Protocol = "TCP" }).ToList();

    private V1Service Service(HelmScope scope) => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Metadata = metadata.For(scope, KubernetesNames.Service(Workload.Resource.Name), Name),
        Spec = new V1ServiceSpec { Type = "ClusterIP", Selector = metadata.Selector(Name), Ports = ServicePorts() },
    };

    /// <summary>A headless Service lists every pod's address in DNS; a cluster's peers find each other through it.</summary>
    private V1Service HeadlessService(HelmScope scope)
    {
        var ports = ServicePorts();
        if (Options.Cluster is { } cluster)
        {
            ports.Add(new V1ServicePort { Name = "cluster", Port = cluster.Port, TargetPort = cluster.Port, Protocol = "TCP" });
        }

        return new V1Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = metadata.For(scope, KubernetesNames.HeadlessService(Workload.Resource.Name), Name),
            Spec = new V1ServiceSpec
            {
                ClusterIP = "None",
                // Peers must resolve each other before they are ready, or a cluster never forms.
                PublishNotReadyAddresses = Options.Cluster is not null,
                Selector = metadata.Selector(Name),
                Ports = ports,
            },
        };
    }

    /// <summary>
    /// The gateway's Ingress; with <paramref name="tls"/>, a TLS block for the host from <c>ingress.tls.secretName</c>,
    /// and with <c>ingress.certManager.clusterIssuer</c> set, the cert-manager annotation that makes the certificate.
    /// </summary>
    private V1Ingress Ingress(HelmScope scope, bool tls)
    {
        scope.Values.Set("ingress.enabled", true);
        scope.Values.Set("ingress.className", string.Empty);
        var tlsSecret = environment.IngressTlsSecretName is { Length: > 0 } configured ? configured : $"{metadata.Chart}-tls";
        scope.Values.Set("ingress.tls.enabled", environment.IngressTlsSecretName is { Length: > 0 });
        scope.Values.Set("ingress.tls.secretName", tlsSecret);
        var issuer = environment.IngressClusterIssuer ?? string.Empty;
        var objectMetadata = metadata.For(scope, Name, Name);
        if (scope.IsChart)
        {
            objectMetadata.Annotations = new Dictionary<string, string>
            {
                [scope.ConditionalKey(".Values.ingress.certManager.clusterIssuer", "cert-manager.io/cluster-issuer")] =
                    scope.Text("ingress.certManager.clusterIssuer", issuer),
            };
        }
        else if (issuer.Length > 0)
        {
            objectMetadata.Annotations = new Dictionary<string, string> { ["cert-manager.io/cluster-issuer"] = issuer };
        }

        return new V1Ingress
        {
            ApiVersion = "networking.k8s.io/v1",
            Kind = "Ingress",
            Metadata = objectMetadata,
            Spec = new V1IngressSpec
            {
                Tls = tls
                    ? [new V1IngressTLS { Hosts = [scope.Text("ingress.host", environment.IngressHost)], SecretName = scope.Text("ingress.tls.secretName", tlsSecret) }]
                    : null,
                // An empty class name is invalid; null leaves the cluster's default class in charge.
                IngressClassName = scope.IsChart ? scope.Expression("{{ with .Values.ingress.className }}{{ . | quote }}{{ else }}null{{ end }}", string.Empty) : null,
                Rules =
                [
                    new V1IngressRule
                    {
                        Host = scope.Text("ingress.host", environment.IngressHost),
                        Http = new V1HTTPIngressRuleValue
                        {
                            Paths =
                            [
                                new V1HTTPIngressPath
                                {
                                    Path = "/",
                                    PathType = "Prefix",
                                    Backend = new V1IngressBackend
                                    {
                                        Service = new V1IngressServiceBackend
                                        {
                                            Name = KubernetesNames.Service(Workload.Resource.Name),
                                            Port = new V1ServiceBackendPort { Name = Workload.Ports[0].Name },
                                        },
                                    },
                                },
                            ],
                        },
                    },
                ],
            },
        };
    }
}
