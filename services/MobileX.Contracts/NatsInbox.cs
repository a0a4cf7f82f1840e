namespace MobileX.Contracts;

/// <summary>
/// Inbox prefixes: every NATS user gets its own, <c>_INBOX.&lt;user&gt;</c>, and may subscribe only below it, so no
/// identity reads the replies sent to another (a station's JetStream acks, a service's stream lookups).
/// </summary>
public static class NatsInbox
{
    /// <summary>The inbox prefix of <paramref name="user"/>: <c>_INBOX.station-03</c>, <c>_INBOX.preprocessor</c>.</summary>
    /// <exception cref="ArgumentException">The user name is empty or holds a character a subject token cannot (<c>. * &gt;</c>, white space).</exception>
    public static string Prefix(string user) => IsToken(user)
        ? $"_INBOX.{user}"
        : throw new ArgumentException($"NATS user '{user}' cannot name an inbox: use letters, digits, dashes and underscores.", nameof(user));

    /// <summary>The subscribe permission that covers <paramref name="user"/>'s inbox: <c>_INBOX.&lt;user&gt;.&gt;</c>.</summary>
    public static string Subscription(string user) => Prefix(user) + ".>";

    /// <summary>True when <paramref name="user"/> can be one subject token (so it can name an inbox).</summary>
    public static bool IsToken(string? user) =>
        !string.IsNullOrEmpty(user) && user.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
