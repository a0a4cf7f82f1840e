using System.Text;
using MobileX.Contracts;

namespace MobileX.Hosting.Nats;

/// <summary>
/// What a NATS user may publish and subscribe to: allow lists, everything else is refused. An empty list allows
/// nothing (it is rendered as <c>deny: [">"]</c>, since nats-server reads an empty allow list as everything allowed).
/// </summary>
public sealed record NatsPermissions(IReadOnlyList<string> PublishAllow, IReadOnlyList<string> SubscribeAllow)
{
    /// <summary>A user that may connect and do nothing else.</summary>
    public static readonly NatsPermissions None = new([], []);
}

/// <summary>
/// One user of the nats-server <c>authorization</c> block: its name, the environment variable that holds its password
/// (the file names the variable, never the value) and what it may do.
/// </summary>
public sealed record NatsUser(string Name, string PasswordVariable, NatsPermissions Permissions);

/// <summary>
/// Renders the nats-server <c>authorization</c> block: the admin user (all permissions, for operators and the
/// <c>mobilex</c> CLI; no service uses it at run time) and users with allow lists: <c>station-NN</c>, which may publish
/// only its raw frames and health, the services' own users (<see cref="ServicePermissions"/>) and each model's
/// <c>model-&lt;name&gt;</c>. The file holds no secret: every user
/// name and password is an environment reference the server resolves at start-up, so the same file can ship as a
/// Kubernetes ConfigMap.
/// </summary>
/// <remarks>
/// nats-server parses an environment reference's value as configuration, so a password such as <c>9e5a</c> or
/// <c>1234</c> would be read as a number (or refused); <see cref="EnvironmentValue"/> quotes values for that reason.
/// </remarks>
public static class NatsAuthorizationConfig
{
    public const string AdminUserVariable = "NATS_USER";
    public const string AdminPasswordVariable = "NATS_PASSWORD";

    /// <summary>The NATS user of a station: <c>station-NN</c>.</summary>
    public static string StationUser(StationId station) => $"station-{station}";

    /// <summary>The environment variable holding a station's password: <c>STATION_NN_PASSWORD</c>.</summary>
    public static string StationPasswordVariable(StationId station) => PasswordVariable(StationUser(station));

    /// <summary>The environment variable holding a user's password: <c>model-coverage</c> reads <c>MODEL_COVERAGE_PASSWORD</c>.</summary>
    public static string PasswordVariable(string user)
    {
        ArgumentException.ThrowIfNullOrEmpty(user);
        var name = new StringBuilder(user.Length + 9);
        foreach (var c in user)
        {
            name.Append(char.IsAsciiLetterOrDigit(c) ? char.ToUpperInvariant(c) : '_');
        }

        return name.Append("_PASSWORD").ToString();
    }

    /// <summary>
    /// A station's user: it publishes only its raw frames and its own health report
    /// (<see cref="Subjects.StationPublishSubjects"/>) and subscribes only to its own inbox, <c>_INBOX.station-NN.&gt;</c>,
    /// where the acks of its JetStream publishes arrive.
    /// </summary>
    public static NatsUser Station(StationId station) => new(
        StationUser(station),
        StationPasswordVariable(station),
        new NatsPermissions(Subjects.StationPublishSubjects(station), [NatsInbox.Subscription(StationUser(station))]));

    /// <summary>The value to put in an environment variable the config file references: a quoted string.</summary>
    /// <exception cref="ArgumentException">The value holds a double quote, backslash or line break, which the quoting cannot carry.</exception>
    public static string EnvironmentValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.AsSpan().IndexOfAny("\"\\\r\n") >= 0)
        {
            throw new ArgumentException("NATS user names and passwords must not contain a double quote, a backslash or a line break.", nameof(value));
        }

        return $"\"{value}\"";
    }

    /// <summary>The configuration file text for the given stations' users.</summary>
    public static string Render(IEnumerable<StationId> stations)
    {
        ArgumentNullException.ThrowIfNull(stations);
        return Render(stations.Distinct().Select(Station));
    }

    /// <summary>The configuration file text: the admin user, then <paramref name="users"/> in name order.</summary>
    /// <exception cref="ArgumentException">Two users share a name, an allow list is empty, or a subject holds a character the quoting cannot carry.</exception>
    public static string Render(IEnumerable<NatsUser> users)
    {
        ArgumentNullException.ThrowIfNull(users);
        var ordered = users.OrderBy(u => u.Name, StringComparer.Ordinal).ToList();
        if (ordered.GroupBy(u => u.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new ArgumentException($"NATS user '{twice.Key}' is listed twice; each user needs one entry.", nameof(users));
        }

        var text = new StringBuilder();
        text.AppendLine("# Generated by the MobileX AppHost. No secrets: every credential is an environment reference.");
        text.AppendLine("authorization {");
        text.AppendLine("  users = [");
        text.AppendLine($"    {{ user: ${AdminUserVariable}, password: ${AdminPasswordVariable} }}");
        foreach (var user in ordered)
        {
            text.AppendLine($"    {{ user: {Quoted(user.Name)}, password: ${user.PasswordVariable}, permissions: {{ " +
                $"publish: {Rule(user.Permissions.PublishAllow)}, subscribe: {Rule(user.Permissions.SubscribeAllow)} }} }}");
        }

        text.AppendLine("  ]");
        text.AppendLine("}");
        return text.ToString();
    }

    // nats-server reads an empty allow list as no restriction at all, the opposite of what it looks like: nothing
    // allowed is written as everything denied.
    private static string Rule(IReadOnlyList<string> allow) => allow.Count == 0 ? "{ deny: [\">\"] }" : $"{{ allow: {List(allow)} }}";

    // Quoted, so "$JS.API.>" is a subject and not a variable reference to the parser.
    private static string List(IEnumerable<string> subjects) => "[" + string.Join(", ", subjects.Distinct(StringComparer.Ordinal).Select(Quoted)) + "]";

    private static string Quoted(string value) => EnvironmentValue(value);
}
