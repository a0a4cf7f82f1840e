namespace MobileX.Hosting.Nats;

/// <summary>
/// A NATS server, as a container (<see cref="NatsServerResource"/>) or a local process
/// (<see cref="NatsServerProcessResource"/>). Builder methods target this interface so the AppHost reads the same
/// in both modes.
/// </summary>
public interface INatsServerResource : IResourceWithConnectionString, IResourceWithEndpoints, IResourceWithArgs,
    IResourceWithEnvironment, IResourceWithWaitSupport
{
    /// <summary>The client endpoint, named <c>tcp</c> as in Aspire.Hosting.Nats.</summary>
    EndpointReference PrimaryEndpoint { get; }

    ParameterResource? UserNameParameter { get; }

    ParameterResource? PasswordParameter { get; }

    /// <summary>The user name, <c>nats</c> unless a parameter gives one.</summary>
    ReferenceExpression UserNameReference { get; }

    // Both resource kinds connect alike, so the connection properties are written once, here.

    IEnumerable<KeyValuePair<string, ReferenceExpression>> IResourceWithConnectionString.GetConnectionProperties() =>
        NatsServerShape.Properties(this);
}

/// <summary>The connection string and connection properties, shared by both NATS resource kinds.</summary>
internal static class NatsServerShape
{
    public const string PrimaryEndpointName = "tcp";
    public const string MonitoringEndpointName = "monitoring";
    public const string DefaultUserName = "nats";

    public static ReferenceExpression UserName(ParameterResource? userName) =>
        userName is not null ? ReferenceExpression.Create($"{userName}") : ReferenceExpression.Create($"{DefaultUserName}");

    /// <summary><c>nats://{user:uri}:{password:uri}@{host}:{port}</c>, user info only when a password exists.</summary>
    public static ReferenceExpression ConnectionString(INatsServerResource nats)
    {
        var builder = new ReferenceExpressionBuilder();
        builder.AppendLiteral("nats://");
        if (nats.PasswordParameter is not null)
        {
            if (nats.UserNameParameter is not null)
            {
                builder.Append($"{nats.UserNameParameter:uri}:{nats.PasswordParameter:uri}@");
            }
            else
            {
                builder.Append($"{DefaultUserName:uri}:{nats.PasswordParameter:uri}@");
            }
        }

        builder.Append($"{nats.PrimaryEndpoint.Property(EndpointProperty.HostAndPort)}");
        return builder.Build();
    }

    public static IEnumerable<KeyValuePair<string, ReferenceExpression>> Properties(INatsServerResource nats)
    {
        yield return new("Host", ReferenceExpression.Create($"{nats.PrimaryEndpoint.Property(EndpointProperty.Host)}"));
        yield return new("Port", ReferenceExpression.Create($"{nats.PrimaryEndpoint.Property(EndpointProperty.Port)}"));
        yield return new("Username", nats.UserNameReference);
        if (nats.PasswordParameter is not null)
        {
            yield return new("Password", ReferenceExpression.Create($"{nats.PasswordParameter}"));
        }

        yield return new("Uri", ConnectionString(nats));
    }
}
