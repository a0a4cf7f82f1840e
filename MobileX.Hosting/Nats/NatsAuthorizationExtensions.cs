using MobileX.Hosting.Infrastructure;
using MobileX.Contracts;

namespace MobileX.Hosting.Nats;

/// <summary>Tells <see cref="NatsBuilderExtensions.AddNats"/> to start the server with <c>-c</c> instead of <c>--user/--pass</c>.</summary>
/// <param name="Path">The config file as the server sees it (a host path, or the bind-mount target in a container).</param>
public sealed record NatsConfigFileAnnotation(string Path) : IResourceAnnotation;

/// <summary>One station's generated NATS identity.</summary>
public sealed record StationNatsUser(StationId Station, string User, ParameterResource Password);

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
        var resource = nats.Resource;
        var users = stations.Distinct().Order().Select(station => new StationNatsUser(
            station,
            NatsAuthorizationConfig.StationUser(station),
            ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{resource.Name}-station-{station}-password", special: false))).ToList();

        var file = Path.Combine(builder.GetInfrastructure().DataDirectory($"{resource.Name}-config"), "authorization.conf");
        File.WriteAllText(file, NatsAuthorizationConfig.Render(users.Select(u => u.Station)));

        if (resource is ContainerResource)
        {
            resource.Annotations.Add(new ContainerMountAnnotation(file, ContainerConfigPath, ContainerMountType.BindMount, isReadOnly: true));
            resource.Annotations.Add(new NatsConfigFileAnnotation(ContainerConfigPath));
        }
        else
        {
            resource.Annotations.Add(new NatsConfigFileAnnotation(file));
        }

        nats.WithEnvironment(NatsAuthorizationConfig.AdminUserVariable, Quoted(resource.UserNameReference))
            .WithEnvironment(NatsAuthorizationConfig.AdminPasswordVariable, Quoted(ReferenceExpression.Create($"{resource.PasswordParameter!}")));
        foreach (var user in users)
        {
            nats.WithEnvironment(NatsAuthorizationConfig.StationPasswordVariable(user.Station), Quoted(ReferenceExpression.Create($"{user.Password}")));
        }

        return users;
    }

    /// <summary>The value in double quotes, so nats-server reads it as a string whatever it looks like.</summary>
    private static ReferenceExpression Quoted(ReferenceExpression value) => ReferenceExpression.Create($"\"{value}\"");
}
