using Microsoft.Extensions.DependencyInjection;
using MobileX.Contracts;
using MobileX.Messaging;
using MobileX.Preprocessor.Processing;
using NATS.Client.JetStream;
using NATS.Net;

namespace MobileX.Preprocessor.Tests;

[CollectionDefinition(Name)]
public sealed class StreamOwnershipCollection
{
    public const string Name = "preprocessor-stream-ownership";
}

/// <summary>The preprocessor owns FRAMES: it creates it with its own limits, and waits for EVENTS, the API's, before consuming.</summary>
[Collection(StreamOwnershipCollection.Name)]
public sealed class StreamOwnershipTests : OwnServersApp
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromDays(2);

    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Streams:MaxAge"] = MaxAge.ToString(),
        ["Preprocessor:Startup:MaxRetryDelay"] = "00:00:00.200",
    };

    [Fact]
    public async Task It_creates_FRAMES_with_its_limits_and_consumes_only_once_EVENTS_exists()
    {
        var js = Connection.CreateJetStreamContext();
        var worker = App.Services.GetRequiredService<PreprocessorWorker>();

        var frames = await EventuallyAsync(async () => await js.GetStreamAsync(Streams.Frames, cancellationToken: Ct));
        Assert.Equal(MaxAge, frames.Info.Config.MaxAge);

        // EVENTS belongs to the API: the preprocessor has not created it and keeps waiting for it.
        await Task.Delay(TimeSpan.FromSeconds(1), Ct);
        var missing = await Assert.ThrowsAsync<NatsJSApiException>(async () => await js.GetStreamAsync(Streams.Events, cancellationToken: Ct));
        Assert.Equal(404, missing.Error.Code);
        Assert.False(worker.IsConsuming);

        // Standing in for the API.
        await StreamProvisioning.EnsureAsync(js, StreamProvisioning.EventsStream(new StreamOptions()), Ct);
        await EventuallyAsync(() => Task.FromResult(worker.IsConsuming ? worker : null));
        await js.GetConsumerAsync(Streams.Frames, "preprocessor", Ct);
    }

    /// <summary>The probe's value once it has one (a missing stream counts as none yet); fails after 30 s.</summary>
    private static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe)
        where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                if (await probe() is { } value)
                {
                    return value;
                }
            }
            catch (NatsJSApiException) when (DateTime.UtcNow < deadline)
            {
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException("Not reached within 30 s.");
            }

            await Task.Delay(50, Ct);
        }
    }
}
