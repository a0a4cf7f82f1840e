using System.Globalization;
using System.Text;
using System.Text.Json;
using MobileX.Hosting.Kubernetes.Chart;

namespace MobileX.Hosting.Kubernetes.Model;

/// <summary>
/// A value as the cluster sees it: literal text, non-secret parameters (from values.yaml) and secret parameters
/// (read from their Secret into an environment variable and spliced in with Kubernetes' <c>$(VAR)</c> expansion,
/// so a secret is never written into a ConfigMap or a manifest).
/// </summary>
public sealed class ClusterValue
{
    private readonly List<Part> _parts = [];

    public abstract record Part;

    public sealed record Literal(string Text) : Part;

    /// <param name="Value">The parameter's value, for values.yaml.</param>
    /// <param name="UriEncoded">Written URI-encoded (the <c>:uri</c> format of a reference expression).</param>
    public sealed record Parameter(ParameterResource Resource, string Value, bool UriEncoded) : Part;

    public sealed record Secret(ParameterResource Resource) : Part;

    public IReadOnlyList<Part> Parts => _parts;

    public bool HasSecrets => _parts.OfType<Secret>().Any();

    public bool HasParameters => _parts.OfType<Parameter>().Any();

    public void Add(Part part)
    {
        if (part is Literal { Text.Length: 0 })
        {
            return;
        }

        if (part is Literal next && _parts.Count > 0 && _parts[^1] is Literal previous)
        {
            _parts[^1] = new Literal(previous.Text + next.Text);
            return;
        }

        _parts.Add(part);
    }

    /// <summary>The text with every secret as <c>$(VAR)</c>; non-secret parameters as Helm values or their defaults.</summary>
    public string Render(HelmScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return HasParameters ? scope.Expression(Render(helm: true), Render(helm: false)) : Render(helm: false);
    }

    private string Render(bool helm)
    {
        var text = new StringBuilder();
        foreach (var part in _parts)
        {
            switch (part)
            {
                case Literal literal:
                    text.Append(helm ? EscapeForQuotedTemplate(literal.Text) : literal.Text);
                    break;
                case Parameter parameter:
                    var path = KubernetesNames.ParameterValuesPath(parameter.Resource);
                    text.Append((helm, parameter.UriEncoded) switch
                    {
                        (true, false) => $"{{{{ .Values.{path} }}}}",
                        (true, true) => $"{{{{ .Values.{path} | urlquery }}}}",
                        (false, false) => parameter.Value,
                        (false, true) => Uri.EscapeDataString(parameter.Value),
                    });
                    break;
                case Secret secret:
                    text.Append(CultureInfo.InvariantCulture, $"$({KubernetesNames.SecretVariable(secret.Resource)})");
                    break;
            }
        }

        // The Helm form is a double-quoted scalar with template actions inside it.
        return helm ? "\"" + text + "\"" : text.ToString();
    }

    private static string EscapeForQuotedTemplate(string text)
    {
        var json = JsonSerializer.Serialize(text, QuoteOptions);
        return json[1..^1].Replace("{{", "{{ \"{{\" }}", StringComparison.Ordinal);
    }

    // Relaxed: readable "&", "<" and "+" in URLs and connection strings; JSON escapes stay valid in a YAML double-quoted scalar.
    private static readonly JsonSerializerOptions QuoteOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
