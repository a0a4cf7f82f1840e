using MobileX.Hosting.Infrastructure;
using MobileX.Contracts;

namespace MobileX.Hosting.Nats;

/// <summary>Tells <see cref="NatsBuilderExtensions.AddNats"/> to start the server with <c>-c</c> instead of <c>--user/--pass</c>.</summary>
/// <param name="Path">The config file as the server sees it (a host path, or the bind-mount target in a container).</param>
public sealed record NatsConfigFileAnnotation(string Path) : IResourceAnnotation;

/// <summary>One station's generated NATS identity.</summary>
public sealed record StationNatsUser(StationId Station, string User, ParameterResource Password);

/// <summary>A user of the authorization file and the secret parameter its password comes from.</summary>
public sealed record NatsUserCredential(NatsUser User, ParameterResource Password);

/// <summary>
/// The users a NATS server knows beside its admin, as data. <see cref="NatsAuthorizationExtensions.WithNatsUser"/>
/// adds or replaces one and rewrites <see cref="File"/>, so the file always lists every user declared so far.
/// </summary>
public sealed class NatsUsersAnnotation(string file) : IResourceAnnotation
{
    private readonly List<NatsUserCredential> _users = [];

    /// <summary>The rendered file on this machine (bind-mounted into a container, or read by a local process).</summary>
    public string File { get; } = file;

    public IReadOnlyList<NatsUserCredential> Users => _users;

    internal void Set(NatsUserCredential credential)
    {
        var index = _users.FindIndex(u => u.User.Name == credential.User.Name);
        if (index < 0)
        {
            _users.Add(credential);
        }
        else
        {
            _users[index] = credential;
        }
    }
}

public static class NatsAuthorizationExtensions
{
    /// <summary>Where the config file is mounted in a NATS container.</summary>
    public const string ContainerConfigPath = "/etc/nats/mobilex-authorization.conf";

    /// <summary>
    /// Gives each station its own NATS user, allowed to publish only under <c>mobilex.stations.NN.&gt;</c>, beside the
    /// admin user of the connection string (which stays unchanged). Passwords are generated secret parameters passed
    /// to the server as environment variables; the rendered config file references them and holds no secret.
    /// </summary>
    public static IReadOnlyList<StationNatsUser> WithStationUsers(this IResourceBuilder<INatsServerResource> nats, IEnumerable<StationId> stations)
    {
        ArgumentNullException.ThrowIfNull(nats);
        ArgumentNullException.ThrowIfNull(stations);
        var builder = nats.ApplicationBuilder;
        var users = new List<StationNatsUser>();
        foreach (var station in stations.Distinct().Order())
        {
            var password = ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{nats.Resource.Name}-station-{station}-password", special: false);
            nats.WithNatsUser(NatsAuthorizationConfig.Station(station), password);
            users.Add(new StationNatsUser(station, NatsAuthorizationConfig.StationUser(station), password));
        }

        return users;
    }

    /// <summary>
    /// Connects <paramref name="resource"/> to <paramref name="nats"/> as <paramref name="user"/> and nothing else: the
    /// user joins the server's authorization file (its password a generated secret parameter
    /// <c>&lt;nats&gt;-&lt;user&gt;-password</c>, shared by every resource of that user, such as API replicas), and the
    /// resource gets <c>ConnectionStrings__nats</c> with that user, never the admin's, and waits for the server.
    /// </summary>
    public static IResourceBuilder<T> WithNatsIdentity<T>(this IResourceBuilder<T> resource, IResourceBuilder<INatsServerResource> nats, NatsUser user)
        where T : IResourceWithEnvironment, IResourceWithWaitSupport
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(nats);
        ArgumentNullException.ThrowIfNull(user);
        var password = nats.Resource.TryGetLastAnnotation<NatsUsersAnnotation>(out var users)
            && users.Users.FirstOrDefault(u => u.User.Name == user.Name) is { } known
                ? known.Password
                : ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(nats.ApplicationBuilder, $"{nats.Resource.Name}-{user.Name}-password", special: false);
        nats.WithNatsUser(user, password);
        return resource
            .WithEnvironment("ConnectionStrings__nats", ConnectionString(nats.Resource, user.Name, password))
            .WaitFor(nats);
    }

    /// <summary><c>nats://&lt;user&gt;:{password:uri}@host:port</c>: the URL of one user of the server.</summary>
    public static ReferenceExpression ConnectionString(INatsServerResource nats, string user, ParameterResource password)
    {
        ArgumentNullException.ThrowIfNull(nats);
        ArgumentNullException.ThrowIfNull(password);
        var text = new ReferenceExpressionBuilder();
        text.AppendLiteral($"nats://{Uri.EscapeDataString(user)}:");
        text.Append($"{password:uri}@{nats.PrimaryEndpoint.Property(EndpointProperty.HostAndPort)}");
        return text.Build();
    }

    /// <summary>
    /// Adds <paramref name="user"/> to the server's authorization file, or replaces the user of the same name, and
    /// passes its password to the server as <see cref="NatsUser.PasswordVariable"/>. The first user moves the admin's
    /// credentials into the file too, since nats-server refuses <c>--user/--pass</c> beside a users list.
    /// </summary>
    public static IResourceBuilder<INatsServerResource> WithNatsUser(this IResourceBuilder<INatsServerResource> nats, NatsUser user, ParameterResource password)
    {
        ArgumentNullException.ThrowIfNull(nats);
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(password);
        if (user.PasswordVariable is NatsAuthorizationConfig.AdminUserVariable or NatsAuthorizationConfig.AdminPasswordVariable)
        {
            throw new ArgumentException($"NATS user '{user.Name}' cannot keep its password in {user.PasswordVariable}, the admin's variable.", nameof(user));
        }

        var users = nats.Resource.TryGetLastAnnotation<NatsUsersAnnotation>(out var existing) ? existing : UseConfigFile(nats);
        users.Set(new NatsUserCredential(user, password));

        // Rewritten on every change: the Kubernetes publisher reads this file when it publishes, so it must list every user.
        File.WriteAllText(users.File, NatsAuthorizationConfig.Render(users.Users.Select(u => u.User)));
        return nats;
    }

    private static NatsUsersAnnotation UseConfigFile(IResourceBuilder<INatsServerResource> nats)
    {
        var resource = nats.Resource;
        var file = Path.Combine(nats.ApplicationBuilder.GetInfrastructure().DataDirectory($"{resource.Name}-config"), "authorization.conf");
        var users = new NatsUsersAnnotation(file);
        resource.Annotations.Add(users);

        if (resource is ContainerResource)
        {
            resource.Annotations.Add(new ContainerMountAnnotation(file, ContainerConfigPath, ContainerMountType.BindMount, isReadOnly: true));
            resource.Annotations.Add(new NatsConfigFileAnnotation(ContainerConfigPath));
        }
        else
        {
            resource.Annotations.Add(new NatsConfigFileAnnotation(file));
        }

        // One callback reads the users when the server starts (or is published), so users added later get their variable too.
        nats.WithEnvironment(context =>
        {
            context.EnvironmentVariables[NatsAuthorizationConfig.AdminUserVariable] = Quoted(resource.UserNameReference);
            context.EnvironmentVariables[NatsAuthorizationConfig.AdminPasswordVariable] = Quoted(ReferenceExpression.Create($"{resource.PasswordParameter!}"));
            foreach (var user in users.Users)
            {
                context.EnvironmentVariables[user.User.PasswordVariable] = Quoted(ReferenceExpression.Create($"{user.Password}"));
            }
        });
        return users;
    }

    /// <summary>The value in double quotes, so nats-server reads it as a string whatever it looks like.</summary>
    private static ReferenceExpression Quoted(ReferenceExpression value) => ReferenceExpression.Create($"\"{value}\"");
}
