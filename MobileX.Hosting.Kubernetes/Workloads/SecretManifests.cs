using System.Security.Cryptography;
using k8s.Models;
using MobileX.Hosting.Kubernetes.Chart;
using MobileX.Hosting.Kubernetes.Model;

namespace MobileX.Hosting.Kubernetes.Workloads;

/// <summary>
/// One Secret per secret parameter, shared by every workload that reads it. The chart takes the value from
/// values.yaml, else keeps the one already in the cluster, else generates one at install. The plain form carries a
/// value generated now, never the local one.
/// </summary>
public static class SecretManifests
{
    private const string Alphanumeric = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    /// <summary>The variable a pod reads a secret into; values spliced with <c>$(VAR)</c> refer to it.</summary>
    public static V1EnvVar Variable(ParameterResource secret) => new()
    {
        Name = KubernetesNames.SecretVariable(secret),
        ValueFrom = new V1EnvVarSource
        {
            SecretKeyRef = new V1SecretKeySelector { Name = KubernetesNames.Secret(secret), Key = KubernetesNames.SecretKey },
        },
    };

    public static ManifestFile File(ParameterResource secret, ObjectMetadata metadata)
    {
        var name = KubernetesNames.Secret(secret);
        var path = KubernetesNames.SecretValuesPath(secret);
        var generated = RandomNumberGenerator.GetString(Alphanumeric, 32);
        return new ManifestFile(name, "secret.yaml", scope =>
        {
            scope.Values.Set(path, string.Empty);
            var value = scope.Expression(
                $"{{{{ if .Values.{path} }}}}{{{{ .Values.{path} | quote }}}}" +
                "{{ else if $existing }}{{ index $existing.data \"value\" | b64dec | quote }}" +
                "{{ else }}{{ randAlphaNum 32 | quote }}{{ end }}",
                generated);
            return
            [
                new V1Secret
                {
                    ApiVersion = "v1",
                    Kind = "Secret",
                    Metadata = metadata.For(scope, name, name),
                    Type = "Opaque",
                    StringData = new Dictionary<string, string> { [KubernetesNames.SecretKey] = value },
                },
            ];
        })
        {
            HelmPrefix = $"{{{{- $existing := lookup \"v1\" \"Secret\" .Release.Namespace \"{name}\" }}}}",
        };
    }
}
