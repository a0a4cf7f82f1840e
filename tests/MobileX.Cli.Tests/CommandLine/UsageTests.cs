using MobileX.Cli.Tests.Infrastructure;

namespace MobileX.Cli.Tests.CommandLine;

/// <summary>A wrong command line exits 2 before anything connects, with a message that names the argument at fault.</summary>
public sealed class UsageTests
{
    private const string Export = "export --station 03 --stage processed --from 2026-12-01T00:00Z --to 2026-12-02T00:00Z --out /tmp/x";

    [Theory]
    [InlineData("frobnicate", "unknown command 'frobnicate'")]
    [InlineData("deadletters", "deadletters needs a subcommand: list or redrive")]
    [InlineData("deadletters purge", "'purge' is not one")]
    [InlineData("export --station 3 --stage processed --from 2026-12-01 --to 2026-12-02 --out /tmp/x", "--station '3' is not a station id")]
    [InlineData("export --stage processed --from 2026-12-01 --to 2026-12-02 --out /tmp/x", "option --station is required")]
    [InlineData("export --station 03 --all-stations --stage raw --from 2026-12-01 --to 2026-12-02 --out /tmp/x", "--station and --all-stations exclude each other")]
    [InlineData("export --station 03 --stage busts --from 2026-12-01 --to 2026-12-02 --out /tmp/x", "--stage 'busts' is not a stage")]
    [InlineData("export --station 03 --from 2026-12-01 --to 2026-12-02 --out /tmp/x", "option --stage is required")]
    [InlineData("export --station 03 --stage raw --from yesterday --to 2026-12-02 --out /tmp/x", "--from 'yesterday' is not a time")]
    [InlineData("export --station 03 --stage raw --from 2026-12-02 --to 2026-12-01 --out /tmp/x", "--to (2026-12-01T00:00:00Z) must be after --from")]
    [InlineData("export --station 03 --stage raw --from 2026-12-01 --to 2026-12-02", "option --out is required")]
    [InlineData(Export + " --shard-size 0", "--shard-size '0' is not a whole number from 1")]
    [InlineData(Export + " --parallel many", "--parallel 'many' is not a whole number")]
    [InlineData(Export + " --format parquet", "--format 'parquet' is not a format")]
    [InlineData(Export + " --split ../up", "--split '../up' is not a folder name")]
    [InlineData(Export + " --colour red", "unknown option '--colour' for mobilex export")]
    [InlineData(Export + " --out /tmp/y", "option --out is given twice")]
    [InlineData(Export + " --s3", "option --s3 needs a value")]
    [InlineData(Export + " --s3 Endpoint=ftp://x;AccessKey=a;SecretKey=b", "--s3 'Endpoint=ftp://x;AccessKey=a;SecretKey=***' is malformed")]
    [InlineData(Export + " stray", "unexpected argument 'stray'")]
    [InlineData("ls --limit 0", "--limit '0' is not a whole number from 1")]
    [InlineData("ls --from 2026-12-02 --to 2026-12-01", "--to (2026-12-01T00:00:00Z) must be after --from")]
    [InlineData("ls --json=yes", "option --json is a switch and takes no value")]
    [InlineData("tail --subject mobilex.> --station 03", "--subject excludes --station and --stage")]
    [InlineData("tail --subject a..b", "--subject 'a..b' is not a NATS subject")]
    [InlineData("tail --nats http://host:4222", "--nats: 'http://host:4222' is not a nats:// URL")]
    [InlineData("deadletters redrive --limit -1", "--limit '-1' is not a whole number")]
    [InlineData("deadletters redrive --limit --dry-run", "option --limit needs a value")]
    [InlineData("deadletters list --dry-run", "unknown option '--dry-run' for mobilex deadletters list")]
    [InlineData("credentials --apphost /nonexistent", "--apphost '/nonexistent' holds no MobileX.AppHost.csproj")]
    public async Task BadArgumentsExitTwoNamingTheArgument(string commandLine, string message)
    {
        var run = await InProcessCli.RunAsync(commandLine.Split(' '), cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains(message, run.Error, StringComparison.Ordinal);
        Assert.Empty(run.Out);
    }

    [Theory]
    [InlineData("--help", "usage: mobilex <command>")]
    [InlineData("help export", "usage: mobilex export [options]")]
    [InlineData("export --help", "--shard-size N")]
    [InlineData("deadletters redrive -h", "--dry-run")]
    [InlineData("tail --help", "--subject SUBJECT")]
    public async Task HelpIsPrintedAndExitsZero(string commandLine, string expected)
    {
        var run = await InProcessCli.RunAsync(commandLine.Split(' '), cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains(expected, run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoCommandPrintsTheCommandsAndExitsTwo()
    {
        var run = await InProcessCli.RunAsync([], cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(2, run.ExitCode);
        foreach (var command in new[] { "export", "ls", "tail", "deadletters list", "deadletters redrive", "credentials" })
        {
            Assert.Contains($"  {command} ", run.Out, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task MalformedConnectionStringFromTheEnvironmentFailsNamingTheVariable()
    {
        var run = await InProcessCli.RunAsync(["ls"], new Dictionary<string, string> { ["ConnectionStrings__minio"] = "Endpoint=http://x:9000" },
            cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("from $ConnectionStrings__minio is malformed: it needs Endpoint, AccessKey and SecretKey", run.Error, StringComparison.Ordinal);
    }
}
