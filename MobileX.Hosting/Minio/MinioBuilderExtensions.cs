using System.Globalization;
using MobileX.Hosting.Infrastructure;
using MobileX.Hosting.Kubernetes;

namespace MobileX.Hosting.Minio;

/// <summary>
/// MobileX's own MinIO hosting integration (CommunityToolkit.Aspire.Hosting.Minio is not served by our registry).
/// Same connection string, endpoints, parameters and health probe; a container or a local process by mode.
/// </summary>
public static class MinioBuilderExtensions
{
    public const string Image = "minio/minio";
    public const string ImageTag = "RELEASE.2025-09-07T16-13-09Z";
    public const string Registry = "docker.io";
    public const string DefaultRootUser = "minioadmin";

    /// <summary>s3rver has one fixed account; it refuses any other access key.</summary>
    public const string S3rverAccessKey = "S3RVER";

    public const string PortSetting = "MobileX:S3:Port";
    public const string ConsolePortSetting = "MobileX:S3:ConsolePort";
    public const string ServerSetting = "MobileX:S3:Server";
    public const string S3rverPathSetting = "MobileX:S3:S3rverPath";
    public const int DefaultPort = 9000;
    public const int DefaultConsolePort = 9001;

    /// <summary>
    /// MobileX's s3rver launcher: it recovers from a crash mid-write (rolls interrupted writes back or forward,
    /// quarantines damaged objects) and makes every write atomic, around the s3rver that set-up installs beside it
    /// (tools/s3rver, `npm ci`).
    /// </summary>
    public const string S3rverRelativePath = "tools/s3rver/mobilex-s3rver.js";

    /// <summary>
    /// Adds an S3-compatible store named <paramref name="name"/>. Containers mode runs minio/minio; Local mode runs
    /// a <c>minio</c> binary from PATH, else s3rver, on 127.0.0.1 at <c>MobileX:S3:Port</c> (default 9000).
    /// </summary>
    public static IResourceBuilder<IMinioResource> AddMinio(
        this IDistributedApplicationBuilder builder,
        [ResourceName] string name,
        IResourceBuilder<ParameterResource>? rootUser = null,
        IResourceBuilder<ParameterResource>? rootPassword = null,
        int? port = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);

        var infrastructure = builder.GetInfrastructure();
        var password = rootPassword?.Resource
            ?? ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-rootPassword", special: false);
        var hostPort = port ?? builder.Configuration.GetValue(PortSetting, DefaultPort);
        var consolePort = builder.Configuration.GetValue(ConsolePortSetting, DefaultConsolePort);

        if (infrastructure.Mode == InfrastructureMode.Containers)
        {
            var user = rootUser?.Resource ?? new ParameterResource($"{name}-rootUser", _ => DefaultRootUser);
            return builder.AddResource(new MinioContainerResource(name, user, password))
                .WithImage(Image, ImageTag)
                .WithImageRegistry(Registry)
                .WithHttpEndpoint(port: hostPort, targetPort: 9000, name: MinioShape.PrimaryEndpointName)
                .WithHttpEndpoint(targetPort: 9001, name: MinioShape.ConsoleEndpointName)
                .WithEnvironment("MINIO_ROOT_USER", user)
                .WithEnvironment("MINIO_ROOT_PASSWORD", password)
                .WithArgs("server", "/data", "--console-address", ":9001")
                .WithHttpHealthCheck("/minio/health/live", endpointName: MinioShape.PrimaryEndpointName)
                .WithKubernetesProbes(MinioShape.PrimaryEndpointName, "/minio/health/ready", "/minio/health/live")
                .ConfigureKubernetes(w => w.VolumeSize = "20Gi");
        }

        var kind = ChooseLocalServer(builder.Configuration[ServerSetting]);
        var dataDirectory = infrastructure.DataDirectory(name);
        var address = string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{hostPort}");

        if (kind == S3ServerKind.MinioProcess)
        {
            var minioPath = LocalTools.Require("minio", null, ServerSetting,
                "Put MinIO's 'minio' binary on PATH, or set MobileX:S3:Server=s3rver.");
            var user = rootUser?.Resource ?? new ParameterResource($"{name}-rootUser", _ => DefaultRootUser);
            return builder.AddResource(new S3ServerProcessResource(name, kind, minioPath, dataDirectory, user, password))
                .WithHttpEndpoint(port: hostPort, targetPort: hostPort, name: MinioShape.PrimaryEndpointName, isProxied: false)
                .WithHttpEndpoint(port: consolePort, targetPort: consolePort, name: MinioShape.ConsoleEndpointName, isProxied: false)
                .WithEnvironment("MINIO_ROOT_USER", user)
                .WithEnvironment("MINIO_ROOT_PASSWORD", password)
                .WithArgs("server", dataDirectory, "--address", address,
                    "--console-address", string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{consolePort}"))
                .WithHttpHealthCheck("/minio/health/live", endpointName: MinioShape.PrimaryEndpointName);
        }

        var node = LocalTools.Require("node", null, "node",
            "Install Node.js (sudo apt-get install -y nodejs npm); Local mode runs the s3rver S3 server on it.");
        var script = builder.Configuration[S3rverPathSetting] is { Length: > 0 } configured
            ? Path.GetFullPath(configured)
            : Path.Combine(infrastructure.RepositoryRoot, S3rverRelativePath);
        if (!File.Exists(script) || !Directory.Exists(Path.Combine(Path.GetDirectoryName(script)!, "node_modules", "s3rver")))
        {
            throw new InfrastructureNotInstalledException(
                $"The s3rver S3 server is not installed at {script}. Run ./mobilex.sh setup (it runs " +
                $"'npm ci --prefix tools/s3rver'), or set {S3rverPathSetting}, or put a 'minio' binary on PATH.");
        }

        var s3rverUser = rootUser?.Resource ?? new ParameterResource($"{name}-rootUser", _ => S3rverAccessKey);
        return builder.AddResource(new S3ServerProcessResource(name, kind, node, dataDirectory, s3rverUser, password))
            .WithHttpEndpoint(port: hostPort, targetPort: hostPort, name: MinioShape.PrimaryEndpointName, isProxied: false)
            // s3rver cannot be given a secret; accepting any well-formed signature lets the generated secret
            // parameter flow through unchanged. The access key is still checked. Loopback and development only.
            .WithArgs(script, "-d", dataDirectory, "-a", "127.0.0.1",
                "-p", hostPort.ToString(CultureInfo.InvariantCulture),
                "--no-vhost-buckets", "--allow-mismatched-signatures", "--silent")
            // s3rver has no health endpoint; an anonymous ListBuckets answers 200 once it serves requests.
            .WithHttpHealthCheck("/", endpointName: MinioShape.PrimaryEndpointName);
    }

    /// <summary>Keeps the data: a volume at <c>/data</c> for a container; local servers always keep theirs under the state directory.</summary>
    public static IResourceBuilder<IMinioResource> WithDataVolume(this IResourceBuilder<IMinioResource> builder, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder is IResourceBuilder<ContainerResource> container)
        {
            container.WithVolume(name ?? VolumeNameGenerator.Generate(container, "data"), "/data");
        }

        return builder;
    }

    internal static S3ServerKind ChooseLocalServer(string? configured) => configured?.Trim().ToLowerInvariant() switch
    {
        null or "" or "auto" => LocalTools.FindOnPath("minio") is not null ? S3ServerKind.MinioProcess : S3ServerKind.S3rver,
        "minio" => S3ServerKind.MinioProcess,
        "s3rver" => S3ServerKind.S3rver,
        _ => throw new InvalidOperationException($"Setting '{ServerSetting}' is '{configured}'; it must be 'auto', 'minio' or 's3rver'."),
    };
}
