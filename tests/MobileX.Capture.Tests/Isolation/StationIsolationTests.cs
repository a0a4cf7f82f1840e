using System.Text;
using System.Text.Json;
using MobileX.Hosting.Nats;
using MobileX.Capture.Tests.Infrastructure;
using MobileX.Contracts;
using MobileX.Messaging;
using MobileX.Testing;
using Microsoft.Extensions.Hosting;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using NATS.Net;

namespace MobileX.Capture.Tests.Isolation;

[Collection(IsolationCollection.Name)]
public sealed class StationIsolationTests(AuthorizedNatsFixture server, S3ServerFixture s3)
{
    private static readonly StationId Station01 = AuthorizedNatsFixture.Station01;
    private static readonly StationId Station02 = AuthorizedNatsFixture.Station02;

    [Fact]
    public async Task Station_01_cannot_publish_as_station_02()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var admin = server.ConnectAdmin();
        await StreamProvisioning.EnsureStreamsAsync(admin.CreateJetStreamContext(), new StreamOptions(), ct);
        // Other tests of this collection publish frames into the same stream: compare counts, not totals.
        var before = await CountsAsync(admin, ct);

        // Core subscriptions by the admin see whatever reaches the server's subject space (outside the FRAMES stream).
        await using var watch = await admin.SubscribeCoreAsync<byte[]>(Subjects.AllStationHealth, cancellationToken: ct);
        await admin.PingAsync(ct);

        await using var station01 = server.Connect(NatsAuthorizationConfig.StationUser(Station01), server.Station01Password);
        await station01.ConnectAsync();
        var own = Subjects.StationHealth(Station01);
        var foreign = Subjects.StationHealth(Station02);
        await station01.PublishAsync(foreign, Encoding.UTF8.GetBytes("forged"), cancellationToken: ct);
        await station01.PublishAsync(own, Encoding.UTF8.GetBytes("own"), cancellationToken: ct);
        await station01.PingAsync(ct);

        using var receive = CancellationTokenSource.CreateLinkedTokenSource(ct);
        receive.CancelAfter(TimeSpan.FromSeconds(5));
        var first = await watch.Msgs.ReadAsync(receive.Token);
        Assert.Equal(own, first.Subject);
        // The forged message was sent before the own one on the same connection: had the server let it through, it would have come first.
        Assert.False(watch.Msgs.TryRead(out var extra), $"unexpected {extra.Subject}");

        // Through JetStream: the own raw subject is acknowledged, the other station's is refused.
        var js01 = station01.CreateJetStreamContext();
        var ack = await js01.PublishAsync(Subjects.FramesRaw(Station01), Encoding.UTF8.GetBytes("{}"), cancellationToken: ct);
        ack.EnsureSuccess();
        using (var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            attempt.CancelAfter(TimeSpan.FromSeconds(3));
            await Assert.ThrowsAnyAsync<Exception>(async () =>
                (await js01.PublishAsync(Subjects.FramesRaw(Station02), Encoding.UTF8.GetBytes("{}"), cancellationToken: attempt.Token)).EnsureSuccess());
        }

        var after = await CountsAsync(admin, ct);
        Assert.Equal(before.Station01 + 1, after.Station01);
        Assert.Equal(before.Station02, after.Station02);
    }

    private static async Task<(long Station01, long Station02)> CountsAsync(NatsConnection admin, CancellationToken ct)
    {
        var frames = await admin.CreateJetStreamContext().GetStreamAsync(Streams.Frames, new StreamInfoRequest { SubjectsFilter = Subjects.AllFrames }, ct);
        var subjects = frames.Info.State.Subjects ?? new Dictionary<string, long>();
        return (subjects.TryGetValue(Subjects.FramesRaw(Station01), out var one) ? one : 0, subjects.TryGetValue(Subjects.FramesRaw(Station02), out var two) ? two : 0);
    }

    [Fact]
    public async Task A_station_password_does_not_open_another_station_user_and_the_admin_keeps_full_rights()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var impostor = server.Connect(NatsAuthorizationConfig.StationUser(Station02), server.Station01Password);
        await Assert.ThrowsAnyAsync<NatsException>(async () => await impostor.ConnectAsync());

        await using var admin = server.ConnectAdmin();
        await using var sub = await admin.SubscribeCoreAsync<string>("mobilex.anything.>", cancellationToken: ct);
        await admin.PublishAsync("mobilex.anything.at.all", "admin", cancellationToken: ct);
        using var receive = CancellationTokenSource.CreateLinkedTokenSource(ct);
        receive.CancelAfter(TimeSpan.FromSeconds(5));
        Assert.Equal("admin", (await sub.Msgs.ReadAsync(receive.Token)).Data);
    }

    [Fact]
    public async Task Capture_publishes_through_each_station_own_identity()
    {
        var ct = TestContext.Current.CancellationToken;
        using var host = CaptureHost.Build(server.AdminUrl, s3.ConnectionString, new Dictionary<string, string?>
        {
            ["Capture:Stations"] = "01,02",
            ["Capture:FramesPerSecond"] = "20",
            ["Capture:MaxFrames"] = "3",
            ["Capture:Width"] = "320",
            ["Capture:Height"] = "180",
            ["StationCredentials:01:User"] = NatsAuthorizationConfig.StationUser(Station01),
            ["StationCredentials:01:Password"] = server.Station01Password,
            ["StationCredentials:02:User"] = NatsAuthorizationConfig.StationUser(Station02),
            ["StationCredentials:02:Password"] = server.Station02Password,
        });
        await host.StartAsync(ct);
        await host.WaitForStationsAsync(TimeSpan.FromSeconds(60));

        // Each station's connection is seen by the server under its own user.
        using var http = new HttpClient();
        using var connz = JsonDocument.Parse(await http.GetStringAsync(new Uri($"http://127.0.0.1:{server.MonitorPort}/connz?auth=1"), ct));
        var users = connz.RootElement.GetProperty("connections").EnumerateArray()
            .Select(c => c.TryGetProperty("authorized_user", out var user) ? user.GetString() : null)
            .ToList();
        Assert.Contains("station-01", users);
        Assert.Contains("station-02", users);
        await host.StopAsync(ct);

        Assert.All(host.Status().Stations, s => Assert.Equal(3, s.Published));
    }
}
