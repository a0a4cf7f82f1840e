using MobileX.Testing;

namespace MobileX.Preprocessor.Tests;

/// <summary>The built preprocessor started as its own process against the test servers, stoppable by its pid.</summary>
internal static class WorkerProcess
{
    /// <summary>The preprocessor assembly built beside this test assembly's configuration (Debug or Release).</summary>
    public static string AssemblyPath
    {
        get
        {
            var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
            var path = Path.Combine(RepositoryPaths.Root, "services", "MobileX.Preprocessor", "bin", configuration, "net10.0", "MobileX.Preprocessor.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException($"Build the preprocessor first: {path} is missing.", path);
        }
    }

    public static Task<ServerProcess> StartAsync(NatsServerFixture nats, S3ServerFixture s3, IDictionary<string, string>? settings = null)
    {
        var port = FreePort.Next();
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ConnectionStrings__nats"] = nats.Url,
            ["ConnectionStrings__minio"] = s3.ConnectionString,
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        return ServerProcess.StartAsync("dotnet", [AssemblyPath], port, environment, TimeSpan.FromSeconds(60));
    }
}
