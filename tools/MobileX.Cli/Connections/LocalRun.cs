using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.UserSecrets;

namespace MobileX.Cli.Connections;

/// <summary>
/// The credentials and ports of the local run (<c>./mobilex.sh run</c>, i.e. <c>dotnet run --project MobileX.AppHost</c>).
/// Aspire generates every secret parameter once and keeps it in the AppHost's user secrets as
/// <c>Parameters:&lt;name&gt;</c> (its <c>UserSecretsId</c> is in MobileX.AppHost.csproj); the ports are the AppHost's
/// <c>MobileX:Nats:Port</c> and <c>MobileX:S3:Port</c>, read in the AppHost's own order: appsettings.json,
/// appsettings.Development.json, then the user secrets.
/// </summary>
internal sealed partial class LocalRun
{
    public const string AppHostProject = "MobileX.AppHost/MobileX.AppHost.csproj";

    // Names the AppHost gives its resources and parameters (MobileX.AppHost/Program.cs, MobileX.Hosting).
    private const string NatsPasswordKey = "Parameters:nats-password";
    private const string NatsUserKey = "Parameters:nats-username";
    private const string MinioPasswordKey = "Parameters:minio-rootPassword";
    private const string ApiKeyKey = "Parameters:api-key";
    private const string ApiReadKeyKey = "Parameters:api-read-key";
    private const string DefaultNatsUser = "nats";
    private const string S3rverAccessKey = "S3RVER";
    private const string MinioAccessKey = "minioadmin";

    private readonly IConfiguration _settings;

    private LocalRun(string appHostDirectory, string secretsFile, IConfiguration settings)
    {
        AppHostDirectory = appHostDirectory;
        SecretsFile = secretsFile;
        _settings = settings;
    }

    public string AppHostDirectory { get; }

    /// <summary>The AppHost's user-secrets file, where Aspire keeps the generated parameters.</summary>
    public string SecretsFile { get; }

    public bool SecretsExist => File.Exists(SecretsFile);

    public int NatsPort => _settings.GetValue("MobileX:Nats:Port", 4222);

    public int S3Port => _settings.GetValue("MobileX:S3:Port", 9000);

    public string? NatsAdminPassword => _settings[NatsPasswordKey];

    public string NatsAdminUser => _settings[NatsUserKey] is { Length: > 0 } user ? user : DefaultNatsUser;

    public string? S3SecretKey => _settings[MinioPasswordKey];

    /// <summary>The API's read-write key (AppHost parameter <c>api-key</c>).</summary>
    public string? ApiKey => _settings[ApiKeyKey];

    /// <summary>The API's read-only key (AppHost parameter <c>api-read-key</c>).</summary>
    public string? ApiReadKey => _settings[ApiReadKeyKey];

    /// <summary>
    /// s3rver accepts only its fixed access key; MinIO (a container, or a <c>minio</c> binary on PATH) uses the
    /// AppHost's default root user. Chosen as the AppHost chooses its server (<c>MobileX:S3:Server</c>, auto by default).
    /// </summary>
    public (string AccessKey, string Why) S3AccessKey()
    {
        var server = _settings["MobileX:S3:Server"] is { Length: > 0 } s ? s.ToLowerInvariant() : "auto";
        var mode = _settings["MobileX:Infrastructure"] ?? string.Empty;
        if (mode.Equals("Containers", StringComparison.OrdinalIgnoreCase))
        {
            return (MinioAccessKey, "MobileX:Infrastructure=Containers runs MinIO");
        }

        return server switch
        {
            "s3rver" => (S3rverAccessKey, "MobileX:S3:Server=s3rver"),
            "minio" => (MinioAccessKey, "MobileX:S3:Server=minio"),
            _ => OnPath("minio")
                ? (MinioAccessKey, "a minio binary is on PATH, so Local mode runs MinIO")
                : (S3rverAccessKey, "no minio binary on PATH, so Local mode runs s3rver (with a container runtime, MinIO's minioadmin)"),
        };
    }

    public string NatsUrl(string user, string password) =>
        string.Create(CultureInfo.InvariantCulture, $"nats://{Uri.EscapeDataString(user)}:{Uri.EscapeDataString(password)}@127.0.0.1:{NatsPort}");

    public string? NatsAdminUrl => NatsAdminPassword is { } password ? NatsUrl(NatsAdminUser, password) : null;

    public string? S3ConnectionString => S3SecretKey is { } secret
        ? string.Create(CultureInfo.InvariantCulture, $"Endpoint=http://127.0.0.1:{S3Port};AccessKey={S3AccessKey().AccessKey};SecretKey={secret}")
        : null;

    /// <summary>Per-station NATS users (<c>station-NN</c>) and their passwords, in station order.</summary>
    public IReadOnlyList<(string User, string Password)> StationUsers() => Users(StationPassword());

    /// <summary>Per-model NATS users (<c>model-&lt;name&gt;</c>) and their passwords, by name.</summary>
    public IReadOnlyList<(string User, string Password)> ModelUsers() => Users(ModelPassword());

    private List<(string User, string Password)> Users(Regex pattern) =>
        [.. _settings.GetSection("Parameters").GetChildren()
            .Select(p => (Match: pattern.Match(p.Key), p.Value))
            .Where(p => p.Match.Success && p.Value is not null)
            .Select(p => (p.Match.Groups["user"].Value, p.Value!))
            .OrderBy(p => p.Item1, StringComparer.Ordinal)];

    [GeneratedRegex("^nats-(?<user>station-[0-9]{2})-password$", RegexOptions.CultureInvariant)]
    private static partial Regex StationPassword();

    [GeneratedRegex("^nats-(?<user>model-[a-z][a-z0-9-]*)-password$", RegexOptions.CultureInvariant)]
    private static partial Regex ModelPassword();

    /// <summary>
    /// Reads the local run's settings. The AppHost is found under <paramref name="appHostDirectory"/> when given, else
    /// in the repository above <paramref name="startDirectories"/>; <paramref name="secretsFile"/> overrides the
    /// user-secrets path. Null when no AppHost project is found.
    /// </summary>
    public static LocalRun? TryLoad(IEnumerable<string> startDirectories, string? appHostDirectory = null, string? secretsFile = null)
    {
        var project = appHostDirectory is not null
            ? Path.Combine(appHostDirectory, Path.GetFileName(AppHostProject))
            : startDirectories.Select(FindAbove).FirstOrDefault(p => p is not null);
        if (project is null || !File.Exists(project))
        {
            return null;
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(project))!;
        if (secretsFile is null)
        {
            var id = XDocument.Load(project).Descendants("UserSecretsId").Select(e => e.Value.Trim()).FirstOrDefault(v => v.Length > 0);
            if (id is null)
            {
                return null;
            }

            secretsFile = PathHelper.GetSecretsPathFromSecretsId(id);
        }

        var settings = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(directory, "appsettings.json"), optional: true, reloadOnChange: false)
            .AddJsonFile(Path.Combine(directory, "appsettings.Development.json"), optional: true, reloadOnChange: false)
            .AddJsonFile(Path.GetFullPath(secretsFile), optional: true, reloadOnChange: false)
            .Build();
        return new LocalRun(directory, Path.GetFullPath(secretsFile), settings);
    }

    private static string? FindAbove(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, AppHostProject);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static bool OnPath(string program) =>
        (System.Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, program)));
}
