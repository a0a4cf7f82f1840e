using MobileX.Capture.Stations;
using Microsoft.Extensions.Options;
using MobileX.Capture.Sources;
using MobileX.Contracts;

namespace MobileX.Capture;

/// <summary>Refuses to start on a duplicate or out-of-range station id or a malformed source (retry delays: RetryOptions).</summary>
internal sealed class CaptureOptionsValidator : IValidateOptions<CaptureOptions>
{
    public ValidateOptionsResult Validate(string? name, CaptureOptions options)
    {
        var failures = new List<string>();
        if (StationSelection.TryResolve(options, out var error) is null)
        {
            failures.Add(error!);
        }

        if (FrameSourceFactory.Check(options.Source) is { } problem)
        {
            failures.Add($"Capture:Source {problem}.");
        }

        foreach (var (station, source) in options.StationSources)
        {
            if (!StationId.TryParse(station, out _))
            {
                failures.Add($"Capture:StationSources:{station} is not keyed by a station id (two digits from 01 to 99).");
            }
            else if (FrameSourceFactory.Check(source) is { } stationProblem)
            {
                failures.Add($"Capture:StationSources:{station} {stationProblem}.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>Every <c>StationCredentials:&lt;NN&gt;</c> entry must be keyed by a station id and carry a user and a password.</summary>
internal sealed class StationCredentialsValidator : IValidateOptions<Dictionary<string, StationCredential>>
{
    public ValidateOptionsResult Validate(string? name, Dictionary<string, StationCredential> options)
    {
        var failures = new List<string>();
        foreach (var (station, credential) in options)
        {
            if (!StationId.TryParse(station, out _))
            {
                failures.Add($"{StationCredential.SectionName}:{station} is not keyed by a station id (two digits from 01 to 99).");
            }

            if (string.IsNullOrWhiteSpace(credential.User) || string.IsNullOrEmpty(credential.Password))
            {
                failures.Add($"{StationCredential.SectionName}:{station} needs both User and Password.");
            }
            else if (!NatsInbox.IsToken(credential.User))
            {
                // The user names the station's inbox (_INBOX.<user>), the only one its NATS user may read.
                failures.Add($"{StationCredential.SectionName}:{station}:User '{credential.User}' is not a NATS user name: use letters, digits, dashes and underscores.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
