using MobileX.Contracts;

namespace MobileX.Inference;

/// <summary>Settings of the inference adapter, section <c>Inference</c>; checked at start-up by <see cref="InferenceOptionsValidator"/>.</summary>
public sealed class InferenceOptions
{
    public const string SectionName = "Inference";

    /// <summary><c>local</c> (default, CPU, not Stable Diffusion), <c>automatic1111</c> or <c>comfyui</c>.</summary>
    public string Backend { get; set; } = InferenceApi.Backends.Local;

    /// <summary>Longest a backend may take for one image before the caller gets 504.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>Jobs run at once against the backend; empty means the backend's default (local: CPU count, SD backends: 1).</summary>
    public int? MaxConcurrency { get; set; }

    /// <summary>Jobs that may wait for a slot; one more is answered 429 with Retry-After.</summary>
    public int QueueLimit { get; set; } = 16;

    /// <summary>Largest accepted source image, in decoded bytes; larger is 413.</summary>
    public int MaxImageBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>Largest accepted output width or height.</summary>
    public int MaxDimension { get; set; } = 1024;

    public Automatic1111Options Automatic1111 { get; set; } = new();

    public ComfyUIOptions ComfyUI { get; set; } = new();

    internal int EffectiveMaxConcurrency => MaxConcurrency ?? (Backend == InferenceApi.Backends.Local ? Environment.ProcessorCount : 1);
}

/// <summary>AUTOMATIC1111 / Forge WebUI started with <c>--api</c>.</summary>
public sealed class Automatic1111Options
{
    public Uri? BaseUrl { get; set; }

    /// <summary>User of <c>--api-auth user:pass</c>; empty means no HTTP Basic auth.</summary>
    public string? UserName { get; set; }

    /// <summary>Password of <c>--api-auth</c>; comes from an AppHost secret parameter.</summary>
    public string? Password { get; set; }

    public int Steps { get; set; } = 30;

    public double CfgScale { get; set; } = 7.0;

    public string SamplerName { get; set; } = "Euler a";
}

/// <summary>ComfyUI server and the API-format img2img workflow it runs.</summary>
public sealed class ComfyUIOptions
{
    public Uri? BaseUrl { get; set; }

    /// <summary>API-format workflow with placeholders; relative paths resolve against the app folder.</summary>
    public string WorkflowPath { get; set; } = "Workflows/comfyui-img2img.json";

    /// <summary>Checkpoint file name substituted for <c>{{checkpoint}}</c>.</summary>
    public string Checkpoint { get; set; } = "v1-5-pruned-emaonly.safetensors";

    public int Steps { get; set; } = 30;

    public double CfgScale { get; set; } = 7.0;

    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);
}
