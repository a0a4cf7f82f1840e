namespace MobileX.Cli.Tests.Infrastructure;

/// <summary>Fresh export directories for one test class, deleted afterwards.</summary>
public sealed class TempDirectories : IDisposable
{
    private readonly List<string> _made = [];

    /// <summary>A path that does not exist yet, as a new export directory is.</summary>
    public string New(string name = "export")
    {
        var path = Path.Combine(Path.GetTempPath(), $"mobilex-cli-{name}-{Guid.NewGuid():N}");
        _made.Add(path);
        return path;
    }

    public void Dispose()
    {
        foreach (var path in _made.Where(Directory.Exists))
        {
            try
            {
                Directory.Delete(path, recursive: true);
            }
            catch (IOException)
            {
                // Best effort.
            }
        }
    }
}
