using System.Net;
using System.Net.Http.Json;
using MobileX.Contracts;

namespace MobileX.Api.Inference;

/// <summary>The adapter's answer: a result, or the problem it reported (status, title, detail, Retry-After).</summary>
public sealed record InferenceOutcome(Img2ImgResult? Result, int Status, string? Title, string? Detail, TimeSpan? RetryAfter);

/// <summary>Calls the inference adapter's <c>POST /v1/img2img</c> (contract in <see cref="InferenceApi"/>).</summary>
public sealed class InferenceClient(HttpClient http)
{
    public async Task<InferenceOutcome> Img2ImgAsync(Img2ImgRequest request, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync(InferenceApi.Img2ImgPath, request, InferenceJsonContext.Default.Img2ImgRequest, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            var result = await response.Content.ReadFromJsonAsync(InferenceJsonContext.Default.Img2ImgResult, cancellationToken);
            return result is null
                ? new InferenceOutcome(null, (int)HttpStatusCode.BadGateway, "Empty inference result", "The inference adapter answered without a result.", null)
                : new InferenceOutcome(result, (int)response.StatusCode, null, null, null);
        }

        string? title = null, detail = null;
        if (response.Content.Headers.ContentType?.MediaType is "application/problem+json" or "application/json")
        {
            var problem = await response.Content.ReadFromJsonAsync(ProblemJsonContext.Default.InferenceProblem, cancellationToken);
            title = problem?.Title;
            detail = problem?.Detail;
        }

        var retryAfter = response.Headers.RetryAfter?.Delta;
        return new InferenceOutcome(null, (int)response.StatusCode, title, detail ?? response.ReasonPhrase, retryAfter);
    }
}

internal sealed record InferenceProblem(string? Title, string? Detail, int? Status);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[System.Text.Json.Serialization.JsonSerializable(typeof(InferenceProblem))]
internal sealed partial class ProblemJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
