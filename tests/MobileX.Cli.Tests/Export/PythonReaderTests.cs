using System.Diagnostics;
using System.Text.RegularExpressions;
using MobileX.Cli.Tests.Infrastructure;
using MobileX.Testing;

namespace MobileX.Cli.Tests.Export;

/// <summary>The Python-stdlib shard reader of docs/cli.md, taken from the doc and run with python3 on a real export.</summary>
[Collection(LakeCollection.Name)]
public sealed partial class PythonReaderTests(LakeFixture lake) : IDisposable
{
    private readonly TempDirectories _directories = new();

    [Fact]
    public async Task DocumentedSnippetReadsAnExportAndCatchesAWrongChecksum()
    {
        var ct = TestContext.Current.CancellationToken;
        var python = new[] { "/usr/bin/python3", "/usr/local/bin/python3" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("python3 is not installed (apt-get install -y python3): the documented reader cannot be checked.");
        var doc = await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "docs", "cli.md"), ct);
        var snippet = Snippet().Match(doc);
        Assert.True(snippet.Success, "docs/cli.md has no python block between <!-- python-check:begin --> and <!-- python-check:end -->");
        var dir = _directories.New();
        var script = Path.Combine(_directories.New("script"), "check.py");
        Directory.CreateDirectory(Path.GetDirectoryName(script)!);
        await File.WriteAllTextAsync(script, snippet.Groups["code"].Value, ct);
        var run = await InProcessCli.RunAsync(["export", "--station", "03", "--station", "04", "--stage", "processed",
            "--from", "2026-11-30T22:00Z", "--to", "2026-12-01T02:00Z", "--out", dir, "--shard-size", "25"], lake.Environment, cancellationToken: ct);
        Assert.True(run.ExitCode == 0, run.ToString());
        var samples = ExportContents.Read(dir).Manifest.Count;

        var (code, output) = await RunAsync(python, script, dir, ct);

        Assert.True(code == 0, output);
        Assert.Equal($"ok: {samples} samples", output.Trim());

        // The same check must fail when a checksum is wrong.
        var manifest = Path.Combine(dir, "manifest.jsonl");
        var lines = await File.ReadAllLinesAsync(manifest, ct);
        lines[7] = Regex.Replace(lines[7], "\"sha256\":\"[0-9a-f]{64}\"", "\"sha256\":\"" + new string('0', 64) + "\"");
        await File.WriteAllLinesAsync(manifest, lines, ct);

        var (badCode, badOutput) = await RunAsync(python, script, dir, ct);

        Assert.NotEqual(0, badCode);
        Assert.Contains("manifest " + new string('0', 64), badOutput, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Output)> RunAsync(string python, string script, string dir, CancellationToken ct)
    {
        using var process = Process.Start(new ProcessStartInfo(python, [script, dir]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return (process.ExitCode, await stdout + await stderr);
    }

    [GeneratedRegex("<!-- python-check:begin -->\\s*```python\\n(?<code>.*?)```\\s*<!-- python-check:end -->", RegexOptions.Singleline)]
    private static partial Regex Snippet();

    public void Dispose() => _directories.Dispose();
}
