using Amazon.S3;
using Microsoft.Extensions.Hosting;
using MobileX.Cli.CommandLine;
using MobileX.Cli.Output;
using NATS.Client.Core;

namespace MobileX.Cli.Connections;

/// <summary>
/// Where the CLI connects: <c>--s3</c> / <c>--nats</c>, else the services' own variables
/// <c>ConnectionStrings__minio</c> / <c>ConnectionStrings__nats</c>, else the local run's credentials
/// (<see cref="LocalRun"/>). The source of each is kept so a failure can say which one was used.
/// </summary>
internal static class CliConnections
{
    public const string S3Option = "--s3";
    public const string NatsOption = "--nats";
    public const string S3Variable = "ConnectionStrings__minio";
    public const string NatsVariable = "ConnectionStrings__nats";

    public static readonly OptionSpec S3 = new(S3Option, "\"Endpoint=http://host:9000;AccessKey=…;SecretKey=…\"",
        $"the lake (default: ${S3Variable}, else the local run's credentials)");

    public static readonly OptionSpec Nats = new(NatsOption, "nats://user:pass@host:4222",
        $"the bus (default: ${NatsVariable}, else the local run's admin user)");

    /// <summary>An S3 client for the chosen connection string.</summary>
    /// <exception cref="UsageException">The option's value is malformed.</exception>
    /// <exception cref="CliException">No connection string anywhere, or a malformed one from the environment.</exception>
    public static (IAmazonS3 Client, string Source) CreateS3(ParsedArguments args, CliContext context)
    {
        var (connectionString, source) = Choose(args.Value(S3Option), S3Option, S3Variable, context, run => run.S3ConnectionString, "S3");
        var settings = new S3ClientSettings();
        try
        {
            settings.ParseConnectionString(connectionString);
        }
        catch (FormatException ex)
        {
            throw Malformed(source, $"{ex.Message}; expected Endpoint=http://host:port;AccessKey=…;SecretKey=…");
        }

        if (settings.Endpoint is null || string.IsNullOrEmpty(settings.AccessKey) || settings.SecretKey is null)
        {
            throw Malformed(source, "it needs Endpoint, AccessKey and SecretKey (Endpoint=http://host:port;AccessKey=…;SecretKey=…)");
        }

        return (S3ClientExtensions.CreateClient(settings), $"{source}: {settings.Endpoint}");

        Exception Malformed(string from, string why) => from == S3Option
            ? new UsageException($"{S3Option} '{Secrets.RedactS3(connectionString)}' is malformed: {why}.")
            : new CliException($"The S3 connection string from {from} is malformed: {why}.");
    }

    /// <summary>A NATS connection (not yet connected) for the chosen URL.</summary>
    public static (NatsConnection Connection, string Source) CreateNats(ParsedArguments args, CliContext context)
    {
        var (url, source) = Choose(args.Value(NatsOption), NatsOption, NatsVariable, context, run => run.NatsAdminUrl, "NATS");
        foreach (var seed in url.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(seed.Contains("://", StringComparison.Ordinal) ? seed : "nats://" + seed, UriKind.Absolute, out var uri)
                || uri.Scheme is not ("nats" or "tls" or "ws" or "wss") || string.IsNullOrEmpty(uri.Host))
            {
                var why = $"'{Secrets.RedactUrl(seed)}' is not a nats:// URL with a host (nats://user:pass@host:4222)";
                throw source == NatsOption ? new UsageException($"{NatsOption}: {why}.") : new CliException($"The NATS URL from {source} is malformed: {why}.");
            }
        }

        var opts = NatsOpts.Default with { Url = url, Name = "mobilex-cli", ConnectTimeout = TimeSpan.FromSeconds(5) };
        return (new NatsConnection(opts), $"{source}: {Secrets.RedactUrl(url)}");
    }

    private static (string Value, string Source) Choose(string? option, string optionName, string variable, CliContext context,
        Func<LocalRun, string?> fromLocalRun, string what)
    {
        if (option is { Length: > 0 })
        {
            return (option, optionName);
        }

        if (context.Environment(variable) is { Length: > 0 } fromEnvironment)
        {
            return (fromEnvironment, "$" + variable);
        }

        var run = LocalRun.TryLoad([context.CurrentDirectory, AppContext.BaseDirectory]);
        if (run is not null && run.SecretsExist && fromLocalRun(run) is { } local)
        {
            return (local, $"the local run's secrets ({run.SecretsFile})");
        }

        var where = run is null
            ? "no MobileX.AppHost was found above the current directory"
            : $"{run.SecretsFile} {(run.SecretsExist ? "has no such secret" : "does not exist")} (run ./mobilex.sh run once to create it)";
        throw new CliException($"No {what} connection: pass {optionName}, or set {variable}; the local run's credentials are not available ({where}).");
    }
}

/// <summary>A failure to report without a stack trace: exit code 1 and the message.</summary>
internal sealed class CliException(string message, Exception? inner = null) : Exception(message, inner);
