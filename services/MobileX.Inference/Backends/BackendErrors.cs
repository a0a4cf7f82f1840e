using System.Net;
using System.Text.Json;

namespace MobileX.Inference.Backends;

/// <summary>Turns a backend's failure (unreachable, or an error answer) into one readable line for the 502 the caller gets.</summary>
internal static class BackendErrors
{
    private const int MaxMessageLength = 500;

    /// <summary>Sends, returning once the headers are in; an unreachable backend becomes a <see cref="BackendException"/> naming it.</summary>
    public static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpRequestMessage request, string backend, Uri? baseUrl, CancellationToken cancellationToken)
    {
        try
        {
            return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new BackendException($"{backend} is unreachable at {baseUrl}: {ex.Message}", ex);
        }
    }

    public static async Task<BackendException> FromResponseAsync(string backend, string step, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var detail = ExtractMessage(body);
        return new BackendException($"{backend} {step} answered {(int)response.StatusCode} {ReasonOf(response.StatusCode)}: {detail}");
    }

    /// <summary>FastAPI (A1111) says <c>detail</c> or <c>error</c>/<c>errors</c>; ComfyUI says <c>error.message</c>; else the raw text.</summary>
    internal static string ExtractMessage(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return "(empty body)";
        }

        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                var parts = new List<string>();
                foreach (var name in (string[])["error", "errors", "detail", "message"])
                {
                    if (root.TryGetProperty(name, out var value) && Describe(value) is { Length: > 0 } text)
                    {
                        parts.Add(text);
                    }
                }

                if (parts.Count > 0)
                {
                    return Truncate(string.Join("; ", parts.Distinct()));
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON: the raw text is the message.
        }

        return Truncate(body.Trim());
    }

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() ?? "",
        JsonValueKind.Object when value.TryGetProperty("message", out var m) => Describe(m),
        JsonValueKind.Object or JsonValueKind.Array => value.GetRawText(),
        _ => "",
    };

    private static string ReasonOf(HttpStatusCode code) => code.ToString();

    private static string Truncate(string text) => text.Length <= MaxMessageLength ? text : text[..MaxMessageLength] + "…";
}
