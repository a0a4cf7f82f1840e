namespace MobileX.Hosting.Infrastructure;

/// <summary>Finds the programs Local mode runs, and says plainly how to install one that is missing.</summary>
public static class LocalTools
{
    /// <summary>The full path of <paramref name="program"/> on PATH, or null.</summary>
    public static string? FindOnPath(string program, IEnumerable<string>? extraDirectories = null)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        var directories = path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Concat(extraDirectories ?? []);
        return directories
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>An explicitly configured program path, else the program on PATH (and, for sbin installs, /usr/sbin).</summary>
    /// <exception cref="InfrastructureNotInstalledException">The program is not installed.</exception>
    public static string Require(string program, string? configuredPath, string settingName, string howToInstall)
    {
        if (!string.IsNullOrWhiteSpace(configuredPath))
        {
            return File.Exists(configuredPath)
                ? configuredPath
                : throw new InfrastructureNotInstalledException(
                    $"{settingName} is '{configuredPath}', but no such file exists. {howToInstall}");
        }

        // Debian's nats-server lives in /usr/sbin, which is not on a non-root PATH.
        return FindOnPath(program, ["/usr/sbin", "/usr/local/sbin", "/usr/local/bin"])
            ?? throw new InfrastructureNotInstalledException($"'{program}' is not installed. {howToInstall}");
    }
}

/// <summary>A program Local mode needs is missing; the message says what to install and how.</summary>
public sealed class InfrastructureNotInstalledException(string message) : Exception(message);
