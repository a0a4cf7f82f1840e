using System.Diagnostics;

namespace MobileX.Hosting.Infrastructure;

/// <summary>Answers whether a container runtime is installed and its engine answers.</summary>
public interface IContainerRuntimeProbe
{
    /// <summary>Null when healthy, else why not (e.g. "docker: Cannot connect to the Docker daemon").</summary>
    string? Problem();
}

/// <summary>
/// Asks the runtime Aspire would use (ASPIRE_CONTAINER_RUNTIME, else docker, else podman) for its server version.
/// A client without an engine, as on our CI machines, fails here within a second or two.
/// </summary>
internal sealed class ContainerRuntimeProbe(string? configuredRuntime) : IContainerRuntimeProbe
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public string? Problem()
    {
        string[] candidates = string.IsNullOrWhiteSpace(configuredRuntime) ? ["docker", "podman"] : [configuredRuntime];
        var problems = new List<string>();
        foreach (var runtime in candidates)
        {
            if (LocalTools.FindOnPath(runtime) is not { } path)
            {
                problems.Add($"{runtime} is not on PATH");
                continue;
            }

            var problem = Ask(runtime, path);
            if (problem is null)
            {
                return null;
            }

            problems.Add(problem);
        }

        return string.Join("; ", problems);
    }

    private static string? Ask(string runtime, string path)
    {
        var start = new ProcessStartInfo(path, ["info", "--format", "{{.ServerVersion}}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        try
        {
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(Timeout))
            {
                process.Kill(entireProcessTree: true);
                return $"{runtime} info did not answer within {Timeout.TotalSeconds:0} s";
            }

            if (process.ExitCode == 0 && !string.IsNullOrWhiteSpace(stdout.Result))
            {
                return null;
            }

            var message = (stderr.Result + stdout.Result).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return $"{runtime}: {(message.Length > 0 ? message[^1] : $"exit code {process.ExitCode}")}";
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return $"{runtime} could not start: {ex.Message}";
        }
    }
}
