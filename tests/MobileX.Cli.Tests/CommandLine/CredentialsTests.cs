using MobileX.Cli.Tests.Infrastructure;

namespace MobileX.Cli.Tests.CommandLine;

/// <summary><c>mobilex credentials</c> over an AppHost folder and a user-secrets file laid out as Aspire leaves them.</summary>
public sealed class CredentialsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("mobilex-cli-apphost-").FullName;

    private string AppHost => Path.Combine(_root, "MobileX.AppHost");

    private string SecretsFile => Path.Combine(_root, "secrets.json");

    public CredentialsTests()
    {
        Directory.CreateDirectory(AppHost);
        File.WriteAllText(Path.Combine(AppHost, "MobileX.AppHost.csproj"),
            "<Project Sdk=\"Aspire.AppHost.Sdk/13.6.4\"><PropertyGroup><UserSecretsId>test-id</UserSecretsId></PropertyGroup></Project>");
        File.WriteAllText(Path.Combine(AppHost, "appsettings.json"),
            "{ \"MobileX\": { \"Nats\": { \"Port\": 4333 }, \"S3\": { \"Port\": 9333, \"Server\": \"s3rver\" } } }");
        // Flat keys, as Aspire writes generated parameters into user secrets.
        File.WriteAllText(SecretsFile, """
            {
              "Parameters:nats-password": "adminpw",
              "Parameters:minio-rootPassword": "s3secret",
              "Parameters:nats-station-02-password": "pw2",
              "Parameters:nats-station-01-password": "p/w1",
              "Parameters:nats-model-coverage-password": "covpw",
              "Parameters:api-key": "rwkey0123456789abcdef",
              "Parameters:api-read-key": "rokey0123456789abcdef",
              "AppHost:OtlpApiKey": "not-a-connection"
            }
            """);
    }

    [Fact]
    public async Task PrintsEveryConnectionWithWhereItCameFrom()
    {
        var run = await InProcessCli.RunAsync(["credentials", "--apphost", AppHost, "--secrets", SecretsFile], cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains("export ConnectionStrings__nats='nats://nats:adminpw@127.0.0.1:4333'", lines);
        Assert.Contains("export ConnectionStrings__minio='Endpoint=http://127.0.0.1:9333;AccessKey=S3RVER;SecretKey=s3secret'", lines);
        // Stations in order, a password escaped for the URL.
        var stations = lines.Where(l => l.StartsWith("export MOBILEX_NATS_STATION_", StringComparison.Ordinal)).ToList();
        Assert.Equal(["export MOBILEX_NATS_STATION_01='nats://station-01:p%2Fw1@127.0.0.1:4333'", "export MOBILEX_NATS_STATION_02='nats://station-02:pw2@127.0.0.1:4333'"], stations);
        Assert.Contains("export MOBILEX_NATS_MODEL_COVERAGE='nats://model-coverage:covpw@127.0.0.1:4333'", lines);
        Assert.Contains("export MOBILEX_API_KEY='rwkey0123456789abcdef'", lines);
        Assert.Contains("export MOBILEX_API_READ_KEY='rokey0123456789abcdef'", lines);
        Assert.Contains(lines, l => l.StartsWith("# MobileX local-development secrets", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(SecretsFile, StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(Path.Combine(AppHost, "appsettings.json"), StringComparison.Ordinal));
        Assert.DoesNotContain("not-a-connection", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LocalRunCredentialsAreTheDefaultConnection()
    {
        // ls with no --s3 and no ConnectionStrings__minio falls back to the local run found above the current directory.
        var run = await InProcessCli.RunAsync(["ls", "--station", "01"], currentDirectory: AppHost, cancellationToken: TestContext.Current.CancellationToken);

        // The secrets file is not where the UserSecretsId points in this test, so the fallback explains what is missing.
        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("No S3 connection: pass --s3, or set ConnectionStrings__minio", run.Error, StringComparison.Ordinal);
        Assert.Contains("test-id", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingSecretsFileSaysTheLocalRunHasNotStarted()
    {
        var run = await InProcessCli.RunAsync(["credentials", "--apphost", AppHost, "--secrets", Path.Combine(_root, "none.json")],
            cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("does not exist: the local run has not started on this machine yet", run.Error, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
