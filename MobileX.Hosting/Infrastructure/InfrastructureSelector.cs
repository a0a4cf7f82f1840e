using Microsoft.Extensions.Configuration;

namespace MobileX.Hosting.Infrastructure;

/// <summary>Chooses Containers or Local: configuration first, then publish mode, then a runtime probe.</summary>
public static class InfrastructureSelector
{
    public const string SettingName = "MobileX:Infrastructure";

    public static InfrastructureChoice Choose(IConfiguration configuration, bool isPublishMode, IContainerRuntimeProbe probe)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(probe);

        var configured = configuration[SettingName];
        if (!string.IsNullOrWhiteSpace(configured))
        {
            if (!Enum.TryParse<InfrastructureMode>(configured, ignoreCase: true, out var mode) || !Enum.IsDefined(mode))
            {
                throw new InvalidOperationException(
                    $"Setting '{SettingName}' is '{configured}'; it must be 'Containers' or 'Local' (or empty to choose automatically).");
            }

            return new(mode, $"set by configuration ({SettingName}={mode})");
        }

        if (isPublishMode)
        {
            // Deployment targets run images; a manifest of local processes would describe nothing deployable.
            return new(InfrastructureMode.Containers, "publish mode always describes containers");
        }

        return probe.Problem() is { } problem
            ? new(InfrastructureMode.Local, $"no healthy container runtime ({problem})")
            : new(InfrastructureMode.Containers, "a healthy container runtime answered");
    }
}
