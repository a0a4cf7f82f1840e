namespace MobileX.Hosting.Nats;

/// <summary>A NATS server container: the shape of Aspire.Hosting.Nats's resource of the same name.</summary>
public sealed class NatsServerResource(string name, ParameterResource? userName, ParameterResource? password)
    : ContainerResource(name), INatsServerResource
{
    private EndpointReference? _primaryEndpoint;

    public EndpointReference PrimaryEndpoint => _primaryEndpoint ??= new(this, NatsServerShape.PrimaryEndpointName);
    public ParameterResource? UserNameParameter { get; } = userName;
    public ParameterResource? PasswordParameter { get; } = password;
    public ReferenceExpression UserNameReference => NatsServerShape.UserName(UserNameParameter);
    public ReferenceExpression ConnectionStringExpression => NatsServerShape.ConnectionString(this);
}

/// <summary>A NATS server run as a local <c>nats-server</c> process, bound to loopback (Local mode).</summary>
public sealed class NatsServerProcessResource(string name, string command, string workingDirectory, ParameterResource? userName, ParameterResource? password)
    : ExecutableResource(name, command, workingDirectory), INatsServerResource
{
    private EndpointReference? _primaryEndpoint;

    public EndpointReference PrimaryEndpoint => _primaryEndpoint ??= new(this, NatsServerShape.PrimaryEndpointName);
    public ParameterResource? UserNameParameter { get; } = userName;
    public ParameterResource? PasswordParameter { get; } = password;
    public ReferenceExpression UserNameReference => NatsServerShape.UserName(UserNameParameter);
    public ReferenceExpression ConnectionStringExpression => NatsServerShape.ConnectionString(this);
}
