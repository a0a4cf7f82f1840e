namespace Microsoft.Extensions.Hosting;

/// <summary>Settings of the NATS client integration, bound from <c>Aspire:NATS:Net</c>; same shape as Aspire.NATS.Net.</summary>
public sealed class NatsClientSettings
{
    /// <summary>A NATS URL such as <c>nats://user:password@host:4222</c>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Leave out the <c>NATS</c> health check.</summary>
    public bool DisableHealthChecks { get; set; }

    /// <summary>Leave out the NATS.Net ActivitySource and Meter.</summary>
    public bool DisableTracing { get; set; }
}
