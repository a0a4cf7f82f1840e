using MobileX.Capture.Telemetry;
using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using MobileX.Contracts;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Net;

namespace MobileX.Capture.Stations;

/// <summary>
/// The JetStream context each station publishes through: its own NATS connection when it has credentials (so the
/// server enforces its subject), else the shared connection from <c>ConnectionStrings:nats</c>.
/// </summary>
internal sealed class StationConnections(
    NatsConnection shared,
    IOptions<Dictionary<string, StationCredential>> credentials,
    ILoggerFactory loggerFactory,
    ILogger<StationConnections> logger) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<StationId, NatsConnection> _own = new();

    public INatsJSContext For(StationId station)
    {
        if (!credentials.Value.TryGetValue(station.ToString(), out var credential))
        {
            return shared.CreateJetStreamContext();
        }

        var connection = _own.GetOrAdd(station, s =>
        {
            CaptureLog.StationIdentity(logger, s, credential.User!);
            return new NatsConnection(shared.Opts with
            {
                Url = WithoutUserInfo(shared.Opts.Url),
                Name = $"MobileX.Capture station-{s}",
                AuthOpts = NatsAuthOpts.Default with { Username = credential.User, Password = credential.Password },
                // The station's user may read only its own inbox, where its publish acks arrive.
                InboxPrefix = NatsInbox.Prefix(credential.User!),
                LoggerFactory = loggerFactory,
            });
        });
        return connection.CreateJetStreamContext();
    }

    /// <summary>The server list of a NATS URL without the admin user info, which the station's own credentials replace.</summary>
    internal static string WithoutUserInfo(string url) => string.Join(',', url.Split(',', StringSplitOptions.TrimEntries).Select(seed =>
    {
        var scheme = seed.IndexOf("://", StringComparison.Ordinal);
        var at = seed.LastIndexOf('@');
        return at > scheme ? (scheme >= 0 ? seed[..(scheme + 3)] : string.Empty) + seed[(at + 1)..] : seed;
    }));

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _own.Values)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}
