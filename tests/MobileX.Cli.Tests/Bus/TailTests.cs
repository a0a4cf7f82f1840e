using System.Text.Json;
using MobileX.Cli.Tests.Infrastructure;
using MobileX.Contracts;
using MobileX.Messaging;

namespace MobileX.Cli.Tests.Bus;

[Collection(BusCollection.Name)]
public sealed class TailTests(BusFixture bus)
{
    [Fact]
    public async Task PrintsOnlyTheChosenStationAndStageAsJsonLines()
    {
        var ct = TestContext.Current.CancellationToken;
        var station = new StationId(31);
        var wanted = new FrameRejected(FrameId.New(DateTimeOffset.UtcNow), station, DateTimeOffset.UtcNow, Buckets.Station(station), "k.jpg",
            RejectionReasons.TooDark, "brightness 12", DateTimeOffset.UtcNow);
        var tail = InProcessCli.RunAsync(["tail", "--station", "31", "--stage", "rejected", "--count", "2"], bus.Environment, cancellationToken: ct);

        // The tail subscribes in the background: publish, other subjects first, until it has printed two events.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(20));
        while (!tail.IsCompleted)
        {
            await bus.Connection.PublishAsync(Subjects.FramesRejected(new StationId(32)), wanted, serializer: ContractSerializers.For<FrameRejected>(), cancellationToken: deadline.Token);
            await bus.Connection.PublishAsync(Subjects.FramesProcessed(station), "{\"other\":true}"u8.ToArray(), cancellationToken: deadline.Token);
            await bus.Connection.PublishAsync(Subjects.FramesRejected(station), wanted, serializer: ContractSerializers.For<FrameRejected>(), cancellationToken: deadline.Token);
            await Task.WhenAny(tail, Task.Delay(50, deadline.Token));
        }

        var run = await tail;
        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        foreach (var line in lines)
        {
            var json = JsonDocument.Parse(line).RootElement;
            Assert.Equal("mobilex.stations.31.frames.rejected", json.GetProperty("subject").GetString());
            Assert.Equal(wanted, json.GetProperty("message").Deserialize(ContractsJsonContext.Default.FrameRejected));
            Assert.Equal("subject", json.EnumerateObject().First().Name);
        }

        Assert.Contains("listening on mobilex.stations.31.frames.rejected", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CtrlCEndsTheTailWithExitZero()
    {
        using var interrupt = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        interrupt.CancelAfter(TimeSpan.FromSeconds(1));

        var run = await InProcessCli.RunAsync(["tail", "--subject", "mobilex.nothing.here"], bus.Environment, cancellationToken: interrupt.Token);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Empty(run.Out);
    }

    [Fact]
    public async Task UnreachableServerFailsWithExitOne()
    {
        var run = await InProcessCli.RunAsync(["tail", "--nats", $"nats://127.0.0.1:{MobileX.Testing.FreePort.Next()}"], cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("Cannot reach NATS (--nats: nats://127.0.0.1:", run.Error, StringComparison.Ordinal);
    }
}
