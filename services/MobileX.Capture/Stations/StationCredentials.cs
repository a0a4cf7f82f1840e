namespace MobileX.Capture.Stations;

/// <summary>
/// A station's own NATS identity, bound from <c>StationCredentials:&lt;NN&gt;</c> (environment
/// <c>StationCredentials__03__User</c> / <c>__Password</c>). The AppHost generates one per station; the NATS server
/// lets it publish only under <c>mobilex.stations.NN.&gt;</c>.
/// </summary>
public sealed class StationCredential
{
    public const string SectionName = "StationCredentials";

    public string? User { get; set; }
    public string? Password { get; set; }
}
