namespace MobileX.Testing;

/// <summary>Where the repository and the shared test images are, found from the test assembly's folder.</summary>
public static class RepositoryPaths
{
    /// <summary>The folder holding MobileX.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The photographs tests use (../shared/testdata from the repository root).</summary>
    public static string TestData => Path.GetFullPath(Path.Combine(Root, "..", "shared", "testdata"));

    public static string TestImage(string name)
    {
        var path = Path.Combine(TestData, name);
        return File.Exists(path) ? path : throw new FileNotFoundException($"Test image {path} is missing; tests expect ../shared/testdata beside the repository.", path);
    }

    /// <summary>
    /// MobileX's s3rver launcher (crash recovery and atomic writes around the s3rver that set-up installs), the same
    /// one the AppHost runs.
    /// </summary>
    public static string S3rverScript => Path.Combine(Root, "tools", "s3rver", "mobilex-s3rver.js");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MobileX.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"MobileX.sln not found above {AppContext.BaseDirectory}.");
    }
}
