using k8s.Models;
using MobileX.Hosting.Kubernetes.Chart;
using MobileX.Hosting.Kubernetes.Model;

namespace MobileX.Hosting.Kubernetes.Workloads;

/// <summary>
/// One Secret per secret parameter, shared by every workload that reads it. No written file holds a value: the chart
/// takes it from values.yaml (<c>secrets.&lt;name&gt;</c>), else keeps the one already in the cluster, else generates one
/// at install (<c>randAlphaNum</c>, in the cluster, never on the publishing machine); or, with
/// <c>secrets.existingSecret</c>, every workload reads one Secret the operator made, a key per parameter, and the chart
/// makes none. The plain form carries no Secret at all: <see cref="RequiredFileName"/> lists the ones to create.
/// </summary>
public static class SecretManifests
{
    /// <summary>The plain form's list of Secrets the operator creates before applying (names only, one a line).</summary>
    public const string RequiredFileName = "required-secrets.txt";

    /// <summary>values.yaml: the name of one existing Secret holding every secret, keyed by parameter name.</summary>
    public const string ExistingSecretPath = "secrets.existingSecret";

    /// <summary>The variable a pod reads a secret into; values spliced with <c>$(VAR)</c> refer to it.</summary>
    public static V1EnvVar Variable(HelmScope scope, ParameterResource secret)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(secret);
        var name = KubernetesNames.Secret(secret);
        scope.Values.Set(ExistingSecretPath, string.Empty);
        return new V1EnvVar
        {
            Name = KubernetesNames.SecretVariable(secret),
            ValueFrom = new V1EnvVarSource
            {
                SecretKeyRef = new V1SecretKeySelector
                {
                    Name = scope.Expression($"{{{{ .Values.{ExistingSecretPath} | default \"{name}\" | quote }}}}", name),
                    Key = scope.Expression($"{{{{ if .Values.{ExistingSecretPath} }}}}\"{secret.Name}\"{{{{ else }}}}\"{KubernetesNames.SecretKey}\"{{{{ end }}}}", KubernetesNames.SecretKey),
                },
            },
        };
    }

    /// <summary>The chart's Secret of <paramref name="secret"/>: rendered only without <c>secrets.existingSecret</c>; never in the plain form.</summary>
    public static ManifestFile File(ParameterResource secret, ObjectMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(metadata);
        var name = KubernetesNames.Secret(secret);
        var path = KubernetesNames.SecretValuesPath(secret);
        return new ManifestFile(name, "secret.yaml", scope =>
        {
            scope.Values.Set(path, string.Empty);
            scope.Values.Set(ExistingSecretPath, string.Empty);
            var value = scope.Expression(
                $"{{{{ if .Values.{path} }}}}{{{{ .Values.{path} | quote }}}}" +
                "{{ else if $existing }}{{ index $existing.data \"value\" | b64dec | quote }}" +
                "{{ else }}{{ randAlphaNum 32 | quote }}{{ end }}",
                string.Empty);
            var metadataObject = metadata.For(scope, name, name);
            // helm uninstall keeps it, so a reinstall reuses the passwords the data on the volumes was made with.
            metadataObject.Annotations = new Dictionary<string, string> { ["helm.sh/resource-policy"] = "keep" };
            return
            [
                new V1Secret
                {
                    ApiVersion = "v1",
                    Kind = "Secret",
                    Metadata = metadataObject,
                    Type = "Opaque",
                    StringData = new Dictionary<string, string> { [KubernetesNames.SecretKey] = value },
                },
            ];
        })
        {
            HelmPrefix = $"{{{{- $existing := lookup \"v1\" \"Secret\" .Release.Namespace \"{name}\" }}}}",
            HelmCondition = $"not .Values.{ExistingSecretPath}",
            InPlain = false,
        };
    }
}
