namespace MobileX.Hosting.Minio;

/// <summary>Which S3-compatible server backs the <c>minio</c> resource.</summary>
public enum S3ServerKind
{
    /// <summary>The official minio/minio image.</summary>
    MinioContainer,

    /// <summary>A <c>minio</c> binary found on PATH.</summary>
    MinioProcess,

    /// <summary>The s3rver npm server: S3 API without signature checks, for loopback development only.</summary>
    S3rver,
}

/// <summary>
/// An S3-compatible store: a MinIO container (<see cref="MinioContainerResource"/>) or a local process
/// (<see cref="S3ServerProcessResource"/>). Connection string: <c>Endpoint=http://host:port;AccessKey=…;SecretKey=…</c>.
/// </summary>
public interface IMinioResource : IResourceWithConnectionString, IResourceWithEndpoints, IResourceWithArgs,
    IResourceWithEnvironment, IResourceWithWaitSupport
{
    S3ServerKind Kind { get; }
    ParameterResource RootUser { get; }
    ParameterResource PasswordParameter { get; }
    EndpointReference PrimaryEndpoint { get; }

    // Both resource kinds connect alike, so the connection properties are written once, here.

    IEnumerable<KeyValuePair<string, ReferenceExpression>> IResourceWithConnectionString.GetConnectionProperties() =>
        MinioShape.Properties(this);
}

internal static class MinioShape
{
    public const string PrimaryEndpointName = "http";
    public const string ConsoleEndpointName = "console";

    public static ReferenceExpression ConnectionString(IMinioResource minio) => ReferenceExpression.Create(
        $"Endpoint=http://{minio.PrimaryEndpoint.Property(EndpointProperty.HostAndPort)};AccessKey={minio.RootUser};SecretKey={minio.PasswordParameter}");

    public static IEnumerable<KeyValuePair<string, ReferenceExpression>> Properties(IMinioResource minio)
    {
        yield return new("Host", ReferenceExpression.Create($"{minio.PrimaryEndpoint.Property(EndpointProperty.Host)}"));
        yield return new("Port", ReferenceExpression.Create($"{minio.PrimaryEndpoint.Property(EndpointProperty.Port)}"));
        yield return new("AccessKey", ReferenceExpression.Create($"{minio.RootUser}"));
        yield return new("SecretKey", ReferenceExpression.Create($"{minio.PasswordParameter}"));
    }
}

/// <summary>A MinIO container: the shape of CommunityToolkit.Aspire.Hosting.Minio's resource of the same name.</summary>
public sealed class MinioContainerResource(string name, ParameterResource rootUser, ParameterResource password)
    : ContainerResource(name), IMinioResource
{
    private EndpointReference? _primaryEndpoint;

    public S3ServerKind Kind => S3ServerKind.MinioContainer;
    public ParameterResource RootUser { get; } = rootUser;
    public ParameterResource PasswordParameter { get; } = password;
    public EndpointReference PrimaryEndpoint => _primaryEndpoint ??= new(this, MinioShape.PrimaryEndpointName);
    public ReferenceExpression ConnectionStringExpression => MinioShape.ConnectionString(this);
}

/// <summary>An S3-compatible server run as a local process on loopback (Local mode): <c>minio</c> or s3rver.</summary>
public sealed class S3ServerProcessResource(string name, S3ServerKind kind, string command, string workingDirectory, ParameterResource rootUser, ParameterResource password)
    : ExecutableResource(name, command, workingDirectory), IMinioResource
{
    private EndpointReference? _primaryEndpoint;

    public S3ServerKind Kind { get; } = kind;
    public ParameterResource RootUser { get; } = rootUser;
    public ParameterResource PasswordParameter { get; } = password;
    public EndpointReference PrimaryEndpoint => _primaryEndpoint ??= new(this, MinioShape.PrimaryEndpointName);
    public ReferenceExpression ConnectionStringExpression => MinioShape.ConnectionString(this);
}
