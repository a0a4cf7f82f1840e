using Microsoft.Extensions.Options;

namespace MobileX.Capture.Retention;

/// <summary>
/// The local retention sweep, bound from <c>Retention</c>. The AppHost turns it on only in a local run on s3rver,
/// which has no lifecycle rules; on MinIO the provisioning step's lifecycle rules expire objects instead.
/// </summary>
public sealed class RetentionOptions
{
    public const string SectionName = "Retention";

    /// <summary>Whether this process sweeps; one process only (the capture service runs once).</summary>
    public bool Sweep { get; set; }

    /// <summary>Days a <c>station-NN</c> bucket keeps raw frames; 0 keeps them for ever.</summary>
    public int StationsDays { get; set; } = Contracts.Retention.StationsDays;

    /// <summary>Days <c>processed</c> keeps busts and labels; 0 keeps them for ever.</summary>
    public int ProcessedDays { get; set; } = Contracts.Retention.ProcessedDays;

    /// <summary>Days <c>avatars</c> keeps avatars; 0 keeps them for ever.</summary>
    public int AvatarsDays { get; set; } = Contracts.Retention.AvatarsDays;

    /// <summary>Time between sweeps; the first runs at start.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The days for a retention class name (<see cref="Contracts.Retention.Classes"/>).</summary>
    public int DaysFor(string retentionClass) => retentionClass switch
    {
        "Stations" => StationsDays,
        "Processed" => ProcessedDays,
        "Avatars" => AvatarsDays,
        _ => throw new ArgumentOutOfRangeException(nameof(retentionClass), retentionClass, "Not a retention class."),
    };
}

/// <summary>Days are 0 (keep for ever) or more; the interval is positive. Each failure names its setting.</summary>
internal sealed class RetentionOptionsValidator : IValidateOptions<RetentionOptions>
{
    public ValidateOptionsResult Validate(string? name, RetentionOptions options)
    {
        var failures = new List<string>();
        foreach (var (retentionClass, _) in Contracts.Retention.Classes)
        {
            var days = options.DaysFor(retentionClass);
            if (days < 0)
            {
                failures.Add($"{RetentionOptions.SectionName}:{retentionClass}Days is {days}; it must be 0 (keep for ever) or a positive number of days.");
            }
        }

        if (options.Interval <= TimeSpan.Zero)
        {
            failures.Add($"{RetentionOptions.SectionName}:Interval is {options.Interval}; it must be positive, such as 01:00:00.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
