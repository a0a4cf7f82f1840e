using System.Globalization;

namespace MobileX.Hosting.Kubernetes.Model;

/// <summary>
/// Turns what the app model puts in environment variables and arguments (strings, parameters, endpoint and
/// connection-string references, reference expressions) into <see cref="ClusterValue"/>s with in-cluster addresses:
/// an endpoint of <c>api</c> becomes <c>http://api-service:8080</c>.
/// </summary>
public sealed class ClusterValueTranslator(KubernetesTopology topology)
{
    /// <summary>Every resource an endpoint reference pointed at, by the resource that referenced it.</summary>
    public HashSet<IResource> ReferencedResources { get; } = [];

    public async Task<ClusterValue?> TranslateAsync(object? value, CancellationToken cancellationToken)
    {
        var result = new ClusterValue();
        return await AppendAsync(result, value, format: null, cancellationToken).ConfigureAwait(false) ? result : null;
    }

    /// <summary>Appends <paramref name="value"/>; false when it refers to something the cluster does not serve.</summary>
    private async Task<bool> AppendAsync(ClusterValue result, object? value, string? format, CancellationToken cancellationToken)
    {
        switch (value)
        {
            case null:
                return true;
            case string text:
                result.Add(new ClusterValue.Literal(text));
                return true;
            case ParameterResource { Secret: true } secret:
                if (format is not null && format != "uri")
                {
                    throw new InvalidOperationException($"Secret parameter '{secret.Name}' is used with format '{format}', which the Kubernetes publisher cannot apply at install time.");
                }

                // Generated secrets are alphanumeric, so the :uri format needs no encoding.
                result.Add(new ClusterValue.Secret(secret));
                return true;
            case ParameterResource parameter:
                var plain = await PlainDefaultAsync(parameter, cancellationToken).ConfigureAwait(false);
                result.Add(new ClusterValue.Parameter(parameter, plain, format == "uri"));
                return true;
            case ConnectionStringReference connection:
                return await AppendAsync(result, connection.Resource.ConnectionStringExpression, format, cancellationToken).ConfigureAwait(false);
            case IResourceWithConnectionString withConnection:
                return await AppendAsync(result, withConnection.ConnectionStringExpression, format, cancellationToken).ConfigureAwait(false);
            case IResourceBuilder<IResource> builder:
                return await AppendAsync(result, builder.Resource, format, cancellationToken).ConfigureAwait(false);
            case EndpointReference endpoint:
                return AppendEndpoint(result, endpoint, EndpointProperty.Url);
            case EndpointReferenceExpression expression:
                return AppendEndpoint(result, expression.Endpoint, expression.Property);
            case ReferenceExpression expression:
                return await AppendExpressionAsync(result, expression, cancellationToken).ConfigureAwait(false);
            case IFormattable formattable:
                result.Add(new ClusterValue.Literal(formattable.ToString(null, CultureInfo.InvariantCulture)));
                return true;
            default:
                throw new InvalidOperationException(
                    $"The Kubernetes publisher cannot translate a {value.GetType().Name} ('{(value as IManifestExpressionProvider)?.ValueExpression ?? value.ToString()}').");
        }
    }

    private async Task<bool> AppendExpressionAsync(ClusterValue result, ReferenceExpression expression, CancellationToken cancellationToken)
    {
        if (expression.IsConditional)
        {
            // A condition on a non-secret value is decided now; the branch taken is translated like any expression.
            var condition = expression.Condition switch
            {
                ParameterResource { Secret: false } parameter => await PlainDefaultAsync(parameter, cancellationToken).ConfigureAwait(false),
                _ => throw new InvalidOperationException($"A conditional expression ('{expression.ValueExpression}') depends on a value only known in the cluster."),
            };
            var branch = string.Equals(condition, expression.MatchValue, StringComparison.OrdinalIgnoreCase) ? expression.WhenTrue : expression.WhenFalse;
            return await AppendAsync(result, branch, null, cancellationToken).ConfigureAwait(false);
        }

        // Format is a composite format string: "{0}" placeholders, literal braces doubled.
        var format = expression.Format;
        var literal = new System.Text.StringBuilder();
        for (var i = 0; i < format.Length; i++)
        {
            var c = format[i];
            if ((c == '{' || c == '}') && i + 1 < format.Length && format[i + 1] == c)
            {
                literal.Append(c);
                i++;
                continue;
            }

            if (c != '{')
            {
                literal.Append(c);
                continue;
            }

            var end = format.IndexOf('}', i);
            var placeholder = format[(i + 1)..end];
            var colon = placeholder.IndexOf(':', StringComparison.Ordinal);
            var index = int.Parse(colon < 0 ? placeholder : placeholder[..colon], CultureInfo.InvariantCulture);
            var itemFormat = colon < 0 ? expression.StringFormats[index] : placeholder[(colon + 1)..];

            result.Add(new ClusterValue.Literal(literal.ToString()));
            literal.Clear();
            if (!await AppendAsync(result, expression.ValueProviders[index], itemFormat, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }

            i = end;
        }

        result.Add(new ClusterValue.Literal(literal.ToString()));
        return true;
    }

    private bool AppendEndpoint(ClusterValue result, EndpointReference endpoint, EndpointProperty property)
    {
        if (topology.FindPort(endpoint.Resource, endpoint.EndpointName) is not { } port)
        {
            return false;
        }

        ReferencedResources.Add(endpoint.Resource);
        var host = KubernetesNames.Service(endpoint.Resource.Name);
        var text = property switch
        {
            EndpointProperty.Url => $"{port.Scheme}://{host}:{port.Port}",
            EndpointProperty.Host or EndpointProperty.IPV4Host => host,
            EndpointProperty.Port or EndpointProperty.TargetPort => port.Port.ToString(CultureInfo.InvariantCulture),
            EndpointProperty.HostAndPort => $"{host}:{port.Port}",
            EndpointProperty.Scheme => port.Scheme,
            _ => throw new InvalidOperationException($"Endpoint property {property} of '{endpoint.Resource.Name}' has no Kubernetes equivalent."),
        };
        result.Add(new ClusterValue.Literal(text));
        return true;
    }

    private static async Task<string> PlainDefaultAsync(ParameterResource parameter, CancellationToken cancellationToken)
    {
        try
        {
            return await parameter.GetValueAsync(cancellationToken).ConfigureAwait(false) ?? string.Empty;
        }
        catch (MissingParameterValueException)
        {
            // values.yaml gets an empty entry for the operator to fill in.
            return string.Empty;
        }
    }
}
