using System.Text;

namespace MobileX.Hosting.Kubernetes.Model;

/// <summary>How app-model names become Kubernetes object names, values.yaml keys and environment variables.</summary>
public static class KubernetesNames
{
    /// <summary>A DNS-1123 name: lower case, <c>-</c> for anything else.</summary>
    public static string Object(string name)
    {
        var text = new StringBuilder(name.Length);
        foreach (var c in name.ToLowerInvariant())
        {
            text.Append(char.IsAsciiLetterOrDigit(c) || c == '-' ? c : '-');
        }

        return text.ToString().Trim('-');
    }

    /// <summary>A values.yaml key, as in Aspire.Hosting.Kubernetes: <c>-</c> becomes <c>_</c>.</summary>
    public static string ValuesKey(string name)
    {
        var text = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            text.Append(char.IsAsciiLetterOrDigit(c) ? c : '_');
        }

        return text.ToString();
    }

    public static string Service(string resourceName) => Object(resourceName) + "-service";

    public static string HeadlessService(string resourceName) => Object(resourceName) + "-headless";

    public static string Config(string resourceName) => Object(resourceName) + "-config";

    /// <summary>One Secret per secret parameter, shared by every workload that uses it, so all read the same value.</summary>
    public static string Secret(ParameterResource parameter) => Object(parameter.Name);

    public const string SecretKey = "value";

    public static string SecretVariable(ParameterResource parameter) =>
        "MOBILEX_SECRET_" + ValuesKey(parameter.Name).ToUpperInvariant();

    public static string ParameterValuesPath(ParameterResource parameter) => "parameters." + ValuesKey(parameter.Name);

    public static string SecretValuesPath(ParameterResource parameter) => "secrets." + ValuesKey(parameter.Name);
}
