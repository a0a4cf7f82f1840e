using MobileX.Hosting.Nats;
using MobileX.Contracts;

namespace MobileX.Capture.Tests.Isolation;

public sealed class NatsAuthorizationConfigTests
{
    [Fact]
    public void The_file_limits_each_station_to_its_own_subjects_and_holds_no_secret()
    {
        var text = NatsAuthorizationConfig.Render([new StationId(3), new StationId(1), new StationId(3)]);

        Assert.Contains("user: $NATS_USER, password: $NATS_PASSWORD", text);
        Assert.Contains("{ user: \"station-01\", password: $STATION_01_PASSWORD, permissions: { publish: { allow: [\"mobilex.stations.01.frames.raw\", \"mobilex.stations.01.health\"] }, subscribe: { allow: [\"_INBOX.station-01.>\"] } } }", text);
        Assert.Contains("station-03", text);
        Assert.DoesNotContain("station-02", text);
        Assert.Equal(1, text.Split("station-03\"").Length - 1);
        Assert.True(text.IndexOf("station-01", StringComparison.Ordinal) < text.IndexOf("station-03", StringComparison.Ordinal));
    }

    [Fact]
    public void A_user_allowed_nothing_is_written_as_everything_denied_never_as_an_empty_allow_list()
    {
        var text = NatsAuthorizationConfig.Render([ServicePermissions.Capture([])]);

        // nats-server reads "allow: []" as no restriction at all.
        Assert.Contains("{ user: \"capture\", password: $CAPTURE_PASSWORD, permissions: { publish: { deny: [\">\"] }, subscribe: { deny: [\">\"] } } }", text);
        Assert.DoesNotContain("allow: []", text);
    }

    [Theory]
    [InlineData("1234", "\"1234\"")]
    [InlineData("9e5abc", "\"9e5abc\"")]
    public void Environment_values_are_quoted_so_the_server_reads_them_as_strings(string value, string expected) =>
        Assert.Equal(expected, NatsAuthorizationConfig.EnvironmentValue(value));

    [Fact]
    public void A_value_the_quoting_cannot_carry_is_refused() =>
        Assert.Throws<ArgumentException>(() => NatsAuthorizationConfig.EnvironmentValue("pa\"ss"));
}
