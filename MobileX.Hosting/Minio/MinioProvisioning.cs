using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MobileX.Contracts;
using MobileX.Hosting.Infrastructure;
using MobileX.Hosting.Kubernetes;

namespace MobileX.Hosting.Minio;

/// <summary>What the provisioning step makes: every identity, and each owned bucket with its retention.</summary>
public sealed class MinioProvisioningAnnotation : IResourceAnnotation
{
    private readonly Dictionary<string, (S3Identity Identity, ParameterResource Secret)> _identities = new(StringComparer.Ordinal);
    private readonly List<(string Bucket, string Class)> _buckets = [];

    /// <summary>The identities in the order they were granted; a second grant to the same user replaces its rights.</summary>
    public IEnumerable<(S3Identity Identity, ParameterResource Secret)> Identities => _identities.Values;

    /// <summary>Buckets the step creates, each with its retention class (<see cref="Retention.Classes"/>).</summary>
    public IReadOnlyList<(string Bucket, string Class)> Buckets => _buckets;

    /// <summary>The non-secret parameter holding each retention class's days (values.yaml <c>parameters.retention_*_days</c>).</summary>
    public Dictionary<string, ParameterResource> RetentionDays { get; } = new(StringComparer.Ordinal);

    internal IResourceBuilder<IResource>? Step { get; set; }

    internal bool LocalModeLogged { get; set; }

    internal ParameterResource? Find(string user) => _identities.TryGetValue(user, out var entry) ? entry.Secret : null;

    internal void Grant(S3Identity identity, ParameterResource secret) => _identities[identity.User] = (identity, secret);

    internal void AddBucket(string bucket, string retentionClass)
    {
        if (_buckets.All(b => b.Bucket != bucket))
        {
            _buckets.Add((bucket, retentionClass));
        }
    }
}

/// <summary>
/// One step makes every MinIO user, policy and bucket, with each bucket's lifecycle rule: the minio/mc image (a Job
/// in the Kubernetes output) beside a MinIO container, or the local MinIO client beside a local <c>minio</c>. Services
/// wait for it to complete. It may run again (every start, every Job retry), so each command is idempotent.
/// s3rver accepts one key and enforces nothing, so there is no step there: everyone gets the root key, and the
/// AppHost says so once at start.
/// </summary>
public static class MinioProvisioning
{
    /// <summary>The MinIO client image, from the same release line as <see cref="MinioBuilderExtensions.ImageTag"/>.</summary>
    public const string Image = "minio/mc";
    public const string ImageTag = "RELEASE.2025-08-13T08-35-41Z";
    public const string Registry = "docker.io";

    /// <summary>Where a local run finds the MinIO client when a <c>minio</c> binary serves the lake (not Midnight Commander).</summary>
    public const string ClientPathSetting = "MobileX:S3:ClientPath";

    /// <summary><c>MobileX:Retention:&lt;Class&gt;Days</c>: days a bucket class keeps objects; 0 keeps them for ever.</summary>
    public const string RetentionSection = "MobileX:Retention";

    // The script's inputs. Credentials arrive as environment variables, so no secret is written into its text.
    public const string EndpointVariable = "MINIO_ENDPOINT";
    public const string RootUserVariable = "MINIO_ROOT_USER";
    public const string RootPasswordVariable = "MINIO_ROOT_PASSWORD";
    private const string ConfigDirectoryVariable = "MC_CONFIG_DIR";
    private const string Alias = "mobilex";

    /// <summary>The step's resource name: <c>&lt;minio&gt;-provision</c>.</summary>
    public static string ResourceName(IMinioResource minio)
    {
        ArgumentNullException.ThrowIfNull(minio);
        return $"{minio.Name}-provision";
    }

    /// <summary>The variable holding a retention class's days, such as <c>RETENTION_STATIONS_DAYS</c>.</summary>
    public static string RetentionVariable(string retentionClass) => $"RETENTION_{retentionClass.ToUpperInvariant()}_DAYS";

    /// <summary>
    /// The days each retention class keeps objects, from <c>MobileX:Retention:&lt;Class&gt;Days</c> or its default.
    /// </summary>
    /// <exception cref="DistributedApplicationException">A value is not a whole number of days, or is negative.</exception>
    public static IReadOnlyDictionary<string, int> RetentionSettings(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var days = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (name, defaultDays) in Retention.Classes)
        {
            var setting = $"{RetentionSection}:{name}Days";
            var text = configuration[setting];
            if (string.IsNullOrWhiteSpace(text))
            {
                days[name] = defaultDays;
                continue;
            }

            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                throw new DistributedApplicationException(
                    $"{setting} is '{text}'; it must be a whole number of days, 0 to keep objects for ever (default {defaultDays}).");
            }

            days[name] = value;
        }

        return days;
    }

    /// <summary>
    /// The buckets MobileX owns (each station's, <c>processed</c>, <c>avatars</c>) with their retention from
    /// <see cref="RetentionSettings"/>. On MinIO the provisioning step creates them and sets a lifecycle rule that
    /// expires objects after that many days (none when 0); s3rver has no lifecycle, see <see cref="WithLocalRetentionSweep"/>.
    /// </summary>
    public static IResourceBuilder<IMinioResource> WithOwnedBuckets(this IResourceBuilder<IMinioResource> minio, IEnumerable<StationId> stations)
    {
        ArgumentNullException.ThrowIfNull(minio);
        ArgumentNullException.ThrowIfNull(stations);
        var builder = minio.ApplicationBuilder;
        var settings = RetentionSettings(builder.Configuration);
        var provisioning = Provisioning(minio);
        foreach (var (name, _) in Retention.Classes)
        {
            var days = settings[name].ToString(CultureInfo.InvariantCulture);
            // A parameter, not a literal, so values.yaml names it (parameters.retention_stations_days) for the operator.
            provisioning.RetentionDays[name] = new ParameterResource($"retention-{name.ToLowerInvariant()}-days", _ => days);
        }

        foreach (var station in stations)
        {
            provisioning.AddBucket(Buckets.Station(station), "Stations");
        }

        provisioning.AddBucket(Buckets.Processed, "Processed");
        provisioning.AddBucket(Buckets.Avatars, "Avatars");
        return minio;
    }

    /// <summary>
    /// Gives the project its own S3 identity as <c>ConnectionStrings__minio</c> (the shape the S3 client reads): a
    /// MinIO user with a generated secret parameter <c>&lt;minio&gt;-&lt;user&gt;-password</c>, made by the provisioning step the
    /// project waits for. On s3rver the project gets the root connection string, since s3rver accepts no other key.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithS3Identity(this IResourceBuilder<ProjectResource> project, IResourceBuilder<IMinioResource> minio, S3Identity identity)
    {
        ArgumentNullException.ThrowIfNull(project);
        ArgumentNullException.ThrowIfNull(minio);
        ArgumentNullException.ThrowIfNull(identity);
        if (minio.Resource.Kind == S3ServerKind.S3rver)
        {
            LogLocalModeOnce(minio);
            return project.WithReference(minio);
        }

        var secret = Grant(minio, identity);
        return project
            .WithEnvironment("ConnectionStrings__minio", ConnectionString(minio.Resource, identity.User, secret))
            .WaitForCompletion(Step(minio));
    }

    /// <summary>
    /// Each station's own key as <c>StationS3Credentials__NN__AccessKey</c> / <c>__SecretKey</c>: a MinIO user that may
    /// write only <c>station-NN</c>. Nothing on s3rver, where the capture service's root client writes every bucket.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithStationS3Users(this IResourceBuilder<ProjectResource> capture, IResourceBuilder<IMinioResource> minio, IEnumerable<StationId> stations)
    {
        ArgumentNullException.ThrowIfNull(capture);
        ArgumentNullException.ThrowIfNull(minio);
        ArgumentNullException.ThrowIfNull(stations);
        if (minio.Resource.Kind == S3ServerKind.S3rver)
        {
            LogLocalModeOnce(minio);
            return capture;
        }

        foreach (var station in stations)
        {
            var identity = S3Identity.Station(station);
            var secret = Grant(minio, identity);
            capture.WithEnvironment($"StationS3Credentials__{station}__AccessKey", identity.User)
                .WithEnvironment($"StationS3Credentials__{station}__SecretKey", secret);
        }

        return capture.WaitForCompletion(Step(minio));
    }

    /// <summary>
    /// s3rver has no lifecycle rules, so in a local run on s3rver the project (one process, holding the root key)
    /// sweeps: <c>Retention__Sweep=true</c> and each class's days as <c>Retention__&lt;Class&gt;Days</c>. Nothing elsewhere:
    /// MinIO expires objects itself, and a published manifest never carries a sweep.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithLocalRetentionSweep(this IResourceBuilder<ProjectResource> project, IResourceBuilder<IMinioResource> minio)
    {
        ArgumentNullException.ThrowIfNull(project);
        ArgumentNullException.ThrowIfNull(minio);
        if (minio.Resource.Kind != S3ServerKind.S3rver || !project.ApplicationBuilder.ExecutionContext.IsRunMode)
        {
            return project;
        }

        var settings = RetentionSettings(project.ApplicationBuilder.Configuration);
        project.WithEnvironment("Retention__Sweep", "true");
        foreach (var (name, days) in settings)
        {
            project.WithEnvironment($"Retention__{name}Days", days.ToString(CultureInfo.InvariantCulture));
        }

        return project;
    }

    /// <summary>
    /// The POSIX shell script of the step. <c>mc admin policy create</c> and <c>user add</c> overwrite what exists;
    /// <c>policy attach</c> fails when the policy is attached already, so the script detaches it first; <c>mb
    /// --ignore-existing</c> keeps a bucket; every lifecycle rule is removed before the one wanted is added, so a
    /// rerun (or a changed number of days) leaves exactly one rule.
    /// </summary>
    /// <param name="mc">The client command: <c>mc</c> in the image, a full path in a local run.</param>
    /// <param name="workDirectory">A writable folder for the policy files (the image's root filesystem is read-only in the cluster).</param>
    public static string Script(IEnumerable<S3Identity> identities, IEnumerable<(string Bucket, string Class)> buckets, string mc, string workDirectory)
    {
        ArgumentNullException.ThrowIfNull(identities);
        ArgumentNullException.ThrowIfNull(buckets);
        ArgumentNullException.ThrowIfNull(workDirectory);
        var client = Quote(mc);
        var lines = new List<string>
        {
            "set -eu",
            $"{client} alias set {Alias} \"${EndpointVariable}\" \"${RootUserVariable}\" \"${RootPasswordVariable}\"",
        };

        foreach (var (bucket, retentionClass) in buckets)
        {
            var days = RetentionVariable(retentionClass);
            lines.Add($"{client} mb --ignore-existing {Alias}/{bucket}");
            lines.Add($"{client} ilm rule rm --all --force {Alias}/{bucket} >/dev/null 2>&1 || true");
            lines.Add($"if [ \"${days}\" -gt 0 ]; then {client} ilm rule add --expire-days \"${days}\" {Alias}/{bucket}; fi");
        }

        foreach (var identity in identities)
        {
            var policyFile = Quote($"{workDirectory.TrimEnd('/')}/{identity.PolicyName}.json");
            lines.Add($"printf '%s' {Quote(identity.PolicyDocument())} > {policyFile}");
            lines.Add($"{client} admin policy create {Alias} {identity.PolicyName} {policyFile}");
            lines.Add($"{client} admin user add {Alias} {identity.User} \"${identity.SecretVariable}\"");
            lines.Add($"{client} admin policy detach {Alias} {identity.PolicyName} --user {identity.User} >/dev/null 2>&1 || true");
            lines.Add($"{client} admin policy attach {Alias} {identity.PolicyName} --user {identity.User}");
            var rights = $"reads {Describe(identity.Reads)}, writes {Describe(identity.Writes)}";
            lines.Add($"echo {Quote($"MinIO user {identity.User} {rights}")}");
        }

        // "\n" whatever the AppHost's platform: the script runs in a Linux shell.
        return string.Join('\n', lines) + "\n";
    }

    /// <summary>Registers <paramref name="identity"/> with the step (adding the step on first use) and returns its secret key parameter.</summary>
    internal static ParameterResource Grant(IResourceBuilder<IMinioResource> minio, S3Identity identity)
    {
        var provisioning = Provisioning(minio);
        var secret = provisioning.Find(identity.User)
            ?? ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(minio.ApplicationBuilder, $"{minio.Resource.Name}-{identity.User}-password", special: false);
        provisioning.Grant(identity, secret);
        Step(minio);
        return secret;
    }

    /// <summary><c>Endpoint=http://host:port;AccessKey=user;SecretKey=…</c>: the identity's own key, never the root's.</summary>
    internal static ReferenceExpression ConnectionString(IMinioResource minio, string user, ParameterResource secret) => ReferenceExpression.Create(
        $"Endpoint=http://{minio.PrimaryEndpoint.Property(EndpointProperty.HostAndPort)};AccessKey={user};SecretKey={secret}");

    /// <summary>The provisioning step of <paramref name="minio"/>, added on first use.</summary>
    internal static IResourceBuilder<IResource> Step(IResourceBuilder<IMinioResource> minio)
    {
        var provisioning = Provisioning(minio);
        return provisioning.Step ??= AddStep(minio.ApplicationBuilder, minio, provisioning);
    }

    /// <summary>On s3rver: one line, once, that the lake enforces nothing and every identity uses the root key.</summary>
    internal static void LogLocalModeOnce(IResourceBuilder<IMinioResource> minio)
    {
        var builder = minio.ApplicationBuilder;
        var provisioning = Provisioning(minio);
        if (minio.Resource.Kind != S3ServerKind.S3rver || !builder.ExecutionContext.IsRunMode || provisioning.LocalModeLogged)
        {
            return;
        }

        provisioning.LocalModeLogged = true;
        builder.Eventing.Subscribe<BeforeStartEvent>((e, _) =>
        {
            var logger = e.Services.GetRequiredService<ILoggerFactory>().CreateLogger(HostingLog.Category);
            HostingLog.S3EnforcesNothing(logger, minio.Resource.Name);
            return Task.CompletedTask;
        });
    }

    private static MinioProvisioningAnnotation Provisioning(IResourceBuilder<IMinioResource> minio)
    {
        if (!minio.Resource.TryGetLastAnnotation<MinioProvisioningAnnotation>(out var annotation))
        {
            annotation = new MinioProvisioningAnnotation();
            minio.Resource.Annotations.Add(annotation);
        }

        return annotation;
    }

    private static IResourceBuilder<IResource> AddStep(IDistributedApplicationBuilder builder, IResourceBuilder<IMinioResource> minio, MinioProvisioningAnnotation provisioning)
    {
        var name = ResourceName(minio.Resource);
        var endpoint = ReferenceExpression.Create($"http://{minio.Resource.PrimaryEndpoint.Property(EndpointProperty.HostAndPort)}");
        if (minio.Resource.Kind == S3ServerKind.MinioContainer)
        {
            return builder.AddContainer(name, Image, ImageTag)
                .WithImageRegistry(Registry)
                .WithEntrypoint("/bin/sh")
                .WithArgs(context =>
                {
                    context.Args.Add("-c");
                    context.Args.Add(Script(provisioning.Identities.Select(i => i.Identity), provisioning.Buckets, "mc", "/tmp"));
                })
                .WithEnvironment(ConfigDirectoryVariable, "/tmp/.mc")
                .WithStepEnvironment(endpoint, minio.Resource, provisioning)
                .WaitFor(minio)
                // In the cluster: a Job that retries until MinIO answers, writing only to its /tmp emptyDir.
                .AsKubernetesJob(backoffLimit: 10)
                .ConfigureKubernetes(w => w.ReadOnlyRootFilesystem = true);
        }

        var client = LocalTools.FindOnPath("mcli") is { } mcli && builder.Configuration[ClientPathSetting] is not { Length: > 0 }
            ? mcli
            : LocalTools.Require("mc", builder.Configuration[ClientPathSetting], ClientPathSetting,
                "A local 'minio' serves the lake, so its users, policies and lifecycle rules are made with the MinIO client: put it on " +
                $"PATH as 'mcli' or 'mc', or set {ClientPathSetting} to it, or set MobileX:S3:Server=s3rver.");
        var work = builder.GetInfrastructure().DataDirectory(name);
        var shell = LocalTools.Require("sh", null, "sh", "Install a POSIX shell (/bin/sh).");
        return builder.AddExecutable(name, shell, work)
            .WithArgs(context =>
            {
                context.Args.Add("-c");
                context.Args.Add(Script(provisioning.Identities.Select(i => i.Identity), provisioning.Buckets, client, work));
            })
            .WithEnvironment(ConfigDirectoryVariable, Path.Combine(work, ".mc"))
            .WithStepEnvironment(endpoint, minio.Resource, provisioning)
            .WaitFor(minio);
    }

    private static IResourceBuilder<T> WithStepEnvironment<T>(this IResourceBuilder<T> step, ReferenceExpression endpoint, IMinioResource minio, MinioProvisioningAnnotation provisioning)
        where T : IResourceWithEnvironment =>
        step.WithEnvironment(EndpointVariable, endpoint)
            .WithEnvironment(RootUserVariable, minio.RootUser)
            .WithEnvironment(RootPasswordVariable, minio.PasswordParameter)
            // Read when the environment is built, so identities and buckets granted after the step was added are in it.
            .WithEnvironment(context =>
            {
                foreach (var (name, days) in provisioning.RetentionDays)
                {
                    context.EnvironmentVariables[RetentionVariable(name)] = days;
                }

                foreach (var (identity, secret) in provisioning.Identities)
                {
                    context.EnvironmentVariables[identity.SecretVariable] = secret;
                }
            });

    private static string Describe(IReadOnlyList<string> buckets) => buckets.Count == 0 ? "nothing" : string.Join(" ", buckets);

    /// <summary>The text as one shell word: as it is when it holds nothing the shell would read, else single-quoted.</summary>
    private static string Quote(string text) => text.Length > 0 && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '_' or '-')
        ? text
        : "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
