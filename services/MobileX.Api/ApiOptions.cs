using System.ComponentModel.DataAnnotations;

namespace MobileX.Api;

/// <summary>Settings of one API replica, bound from <c>Api</c>.</summary>
public sealed class ApiOptions
{
    public const string SectionName = "Api";

    /// <summary>Delays of the start-up retries (EVENTS, then the FRAMES lookup), as <c>MobileX.Resilience.RetryOptions</c>.</summary>
    public const string StartupSectionName = "Api:Startup";

    /// <summary>Name sent in <c>X-MobileX-Instance</c>; the Aspire resource name (api-1, api-2, …) unless set.</summary>
    public string? InstanceName { get; set; }

    /// <summary>Stations 01..StationCount exist; any other id is answered 404.</summary>
    [Range(1, 99, ErrorMessage = "Api:StationCount must be 1 to 99.")]
    public int StationCount { get; set; } = 10;

    /// <summary>
    /// A station whose capture has sent no health report for this long is shown silent. Captures report every
    /// 5 s by default, so the default allows a few lost reports.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "Api:StationSilentAfter must be 1 second to 1 hour.")]
    public TimeSpan StationSilentAfter { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Widest time range one browse request may cover, in hours (one listing per hour prefix).</summary>
    [Range(1, 24 * 31, ErrorMessage = "Api:MaxBrowseHours must be 1 to 744.")]
    public int MaxBrowseHours { get; set; } = 168;

    /// <summary>Most frames one browse page returns.</summary>
    [Range(1, 1000, ErrorMessage = "Api:MaxPageSize must be 1 to 1000.")]
    public int MaxPageSize { get; set; } = 200;
}

/// <summary>Where the inference adapter is, bound from <c>Inference</c>.</summary>
public sealed class InferenceOptions
{
    public const string SectionName = "Inference";

    /// <summary>Base address of the adapter; <c>http://inference</c> is resolved through service discovery.</summary>
    [Required(ErrorMessage = "Inference:BaseAddress is required, e.g. http://inference.")]
    public Uri? BaseAddress { get; set; } = new("http://inference");

    /// <summary>Longest wait for one img2img job, retries included; a CPU Stable Diffusion job can take minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "Inference:Timeout must be between 1 second and 1 hour.")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(3);
}
