using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using MobileX.Contracts;
using MobileX.Inference.Backends.ComfyUI;

namespace MobileX.Inference;

/// <summary>Stops start-up with a message naming the setting when the adapter is misconfigured.</summary>
internal sealed class InferenceOptionsValidator : IValidateOptions<InferenceOptions>
{
    private static readonly string[] KnownBackends =
        [InferenceApi.Backends.Local, InferenceApi.Backends.Automatic1111, InferenceApi.Backends.ComfyUI];

    public ValidateOptionsResult Validate(string? name, InferenceOptions options)
    {
        var failures = new List<string>();
        const string s = InferenceOptions.SectionName;

        if (!KnownBackends.Contains(options.Backend, StringComparer.Ordinal))
        {
            failures.Add($"{s}:Backend must be one of {string.Join(", ", KnownBackends)} (got '{options.Backend}').");
        }

        if (options.Timeout <= TimeSpan.Zero)
        {
            failures.Add($"{s}:Timeout must be positive (got '{options.Timeout}').");
        }

        if (options.MaxConcurrency is < 1)
        {
            failures.Add($"{s}:MaxConcurrency must be at least 1 (got {options.MaxConcurrency}).");
        }

        if (options.QueueLimit < 0)
        {
            failures.Add($"{s}:QueueLimit must be 0 or more (got {options.QueueLimit}).");
        }

        if (options.MaxImageBytes < 1024)
        {
            failures.Add($"{s}:MaxImageBytes must be at least 1024 (got {options.MaxImageBytes}).");
        }

        if (options.MaxDimension is < 64 or > 4096)
        {
            failures.Add($"{s}:MaxDimension must be between 64 and 4096 (got {options.MaxDimension}).");
        }

        switch (options.Backend)
        {
            case InferenceApi.Backends.Automatic1111:
                ValidateAutomatic1111(options.Automatic1111, failures);
                break;
            case InferenceApi.Backends.ComfyUI:
                ValidateComfyUI(options.ComfyUI, failures);
                break;
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateAutomatic1111(Automatic1111Options a, List<string> failures)
    {
        const string p = InferenceOptions.SectionName + ":Automatic1111";
        ValidateBaseUrl(a.BaseUrl, p, failures);
        if (string.IsNullOrEmpty(a.UserName) != string.IsNullOrEmpty(a.Password))
        {
            failures.Add($"{p}:UserName and {p}:Password must be set together (HTTP Basic auth of --api-auth).");
        }

        if (a.Steps is < 1 or > 150)
        {
            failures.Add($"{p}:Steps must be between 1 and 150 (got {a.Steps}).");
        }

        if (a.CfgScale is < 1 or > 30)
        {
            failures.Add($"{p}:CfgScale must be between 1 and 30 (got {a.CfgScale}).");
        }

        if (string.IsNullOrWhiteSpace(a.SamplerName))
        {
            failures.Add($"{p}:SamplerName is required.");
        }
    }

    private static void ValidateComfyUI(ComfyUIOptions c, List<string> failures)
    {
        const string p = InferenceOptions.SectionName + ":ComfyUI";
        ValidateBaseUrl(c.BaseUrl, p, failures);
        if (c.PollInterval <= TimeSpan.Zero)
        {
            failures.Add($"{p}:PollInterval must be positive (got '{c.PollInterval}').");
        }

        if (c.Steps is < 1 or > 150)
        {
            failures.Add($"{p}:Steps must be between 1 and 150 (got {c.Steps}).");
        }

        var path = WorkflowTemplate.Resolve(c.WorkflowPath);
        if (!File.Exists(path))
        {
            failures.Add($"{p}:WorkflowPath '{c.WorkflowPath}' does not exist (looked at {path}).");
            return;
        }

        try
        {
            WorkflowTemplate.Load(path);
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidDataException)
        {
            failures.Add($"{p}:WorkflowPath '{c.WorkflowPath}' is not a usable API-format workflow: {ex.Message}");
        }
    }

    private static void ValidateBaseUrl(Uri? url, string prefix, List<string> failures)
    {
        if (url is null || !url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            failures.Add($"{prefix}:BaseUrl must be an absolute http(s) URL (got '{url}').");
        }
    }
}
