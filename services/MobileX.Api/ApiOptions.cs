using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace MobileX.Api;

/// <summary>Settings of one API replica, bound from <c>Api</c>.</summary>
public sealed class ApiOptions
{
    public const string SectionName = "Api";

    /// <summary>Delays of the start-up retries (EVENTS, then the FRAMES lookup), as <c>MobileX.Resilience.RetryOptions</c>.</summary>
    public const string StartupSectionName = "Api:Startup";

    /// <summary>
    /// Proxies whose <c>X-Forwarded-For</c>/<c>-Proto</c> the API believes (addresses or CIDRs): the gateway. Loopback
    /// unless set, which is where the gateway runs in the local run.
    /// </summary>
    public const string TrustedProxiesSetting = "Api:TrustedProxies";

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

    /// <summary>
    /// The coverage model's newest snapshot is answered as stale once none has arrived for this long. The model
    /// publishes every few seconds, so the default allows a few lost snapshots before the page says so.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "Api:CoverageStaleAfter must be 1 second to 1 hour.")]
    public TimeSpan CoverageStaleAfter { get; set; } = TimeSpan.FromSeconds(15);
}

/// <summary>Downloads from the lake through the API and presigned URLs, bound from <c>Api:Lake</c>.</summary>
public sealed class LakeOptions
{
    public const string SectionName = "Api:Lake";

    /// <summary>The longest a presigned SigV4 URL may be valid: 7 days.</summary>
    public static readonly TimeSpan SigV4MaxExpiry = TimeSpan.FromDays(7);

    /// <summary>
    /// Largest object <c>GET /api/lake/...</c> streams. A replica holds a connection to S3 and to the client for the
    /// whole transfer, so anything bigger is refused with a pointer to the presigned URL, which S3 serves itself.
    /// </summary>
    [Range(typeof(long), "1", "1099511627776", ErrorMessage = "Api:Lake:MaxObjectBytes must be 1 byte to 1 TiB.")]
    public long MaxObjectBytes { get; set; } = 64L << 20;

    /// <summary>How long a presigned URL is valid when the request names no <c>expires</c>.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00", ErrorMessage = "Api:Lake:PresignDefaultExpiry must be 1 second to 7 days.")]
    public TimeSpan PresignDefaultExpiry { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The longest <c>expires</c> a request may ask for; SigV4 allows at most 7 days.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00", ErrorMessage = "Api:Lake:PresignMaxExpiry must be 1 second to 7 days.")]
    public TimeSpan PresignMaxExpiry { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Scheme, host and port a user reaches the object store at, when that is not the in-cluster endpoint of
    /// <c>ConnectionStrings:minio</c>. A SigV4 URL signs its host, so presigned URLs are signed by a client configured
    /// for this endpoint (never rewritten after signing), and the store must answer on exactly this host.
    /// </summary>
    public Uri? PublicEndpoint { get; set; }
}

/// <summary>The checks of <see cref="LakeOptions"/> that span settings or need more than an attribute.</summary>
internal sealed class LakeOptionsValidator : IValidateOptions<LakeOptions>
{
    public ValidateOptionsResult Validate(string? name, LakeOptions options)
    {
        var failures = new List<string>();
        if (options.PresignDefaultExpiry > options.PresignMaxExpiry)
        {
            failures.Add($"Api:Lake:PresignDefaultExpiry ({options.PresignDefaultExpiry}) must not exceed Api:Lake:PresignMaxExpiry ({options.PresignMaxExpiry}).");
        }

        if (options.PublicEndpoint is { } endpoint
            && (!endpoint.IsAbsoluteUri || endpoint.Scheme is not ("http" or "https") || endpoint.AbsolutePath != "/"
                || !string.IsNullOrEmpty(endpoint.Query) || !string.IsNullOrEmpty(endpoint.Fragment) || !string.IsNullOrEmpty(endpoint.UserInfo)))
        {
            failures.Add($"Api:Lake:PublicEndpoint '{endpoint}' must be an http:// or https:// URL with only a scheme, host and port, e.g. https://lake.example.com.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
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
