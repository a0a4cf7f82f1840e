using MobileX.Capture.Stations;

namespace MobileX.Capture.Tests.Stations;

public sealed class StationConnectionsTests
{
    [Theory]
    [InlineData("nats://nats:secret@127.0.0.1:4222", "nats://127.0.0.1:4222")]
    [InlineData("nats://127.0.0.1:4222", "nats://127.0.0.1:4222")]
    [InlineData("nats://a:b@h1:4222, nats://a:b@h2:4222", "nats://h1:4222,nats://h2:4222")]
    public void A_station_connection_keeps_the_servers_but_not_the_admin_credentials(string url, string expected) =>
        Assert.Equal(expected, StationConnections.WithoutUserInfo(url));
}
