using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace MobileX.Messaging;

/// <summary>What a JetStream publish ack means for MobileX's idempotent publishers.</summary>
public static class PubAcks
{
    /// <summary>
    /// Throws when the stream refused the message. A duplicate ack is success: an earlier publish with the same
    /// <c>Nats-Msg-Id</c> (a retry after a lost ack, or a redelivered frame's second outcome) is already stored, and
    /// the stream keeps that one. NATS.Net's own <c>EnsureSuccess</c> throws on duplicates, which turned every such
    /// retry into a failure that was retried again until it was dead-lettered.
    /// </summary>
    /// <exception cref="NatsJSApiException">The stream answered with an error.</exception>
    public static void EnsureStored(this PubAckResponse ack)
    {
        ArgumentNullException.ThrowIfNull(ack);
        if (ack.Error is { } error)
        {
            throw new NatsJSApiException(error);
        }
    }
}
