using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MobileX.Capture.Stations;
using MobileX.Contracts;
using MobileX.Messaging;
using MobileX.Testing;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Net;

namespace MobileX.Capture.Tests.Infrastructure;

/// <summary>The capture service's real DI (<c>AddCapture</c>) in a host pointed at the test's servers.</summary>
internal static class CaptureHost
{
    /// <param name="createStreams">
    /// Create FRAMES and EVENTS before the stations start, standing in for their owners (the preprocessor and the
    /// API); capture itself creates no stream.
    /// </param>
    public static IHost Build(string natsUrl, string s3ConnectionString, IReadOnlyDictionary<string, string?> settings, bool createStreams = true)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:nats"] = natsUrl,
            ["ConnectionStrings:minio"] = s3ConnectionString,
            // The shared photographs stand in for the sample portraits set-up installs.
            ["Capture:SamplesFolder"] = RepositoryPaths.TestData,
            ["Capture:RetryDelay"] = "00:00:00.100",
            ["Capture:MaxRetryDelay"] = "00:00:00.500",
            ["Capture:AttemptTimeout"] = "00:00:02",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:NATS"] = "Error",
        });
        builder.Configuration.AddInMemoryCollection(settings);
        if (createStreams)
        {
            // Hosted services start in order: this one is done before any station publishes.
            builder.Services.AddHostedService<StreamOwnersStandIn>();
        }

        builder.AddCapture();
        return builder.Build();
    }

    public static IHost Build(NatsServerFixture nats, S3ServerFixture s3, IReadOnlyDictionary<string, string?> settings, bool createStreams = true) =>
        Build(nats.Url, s3.ConnectionString, settings, createStreams);

    /// <summary>Creates the streams with the owners' own definitions, through the capture's admin connection.</summary>
    private sealed class StreamOwnersStandIn(INatsJSContext js) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => StreamProvisioning.EnsureStreamsAsync(js, new StreamOptions(), cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    public static CaptureStatus Status(this IHost host) => host.Services.GetRequiredService<CaptureStatus>();

    /// <summary>Waits until every station has stopped and drained, failing the test with every station's counts on timeout.</summary>
    public static async Task WaitForStationsAsync(this IHost host, TimeSpan timeout)
    {
        var status = host.Status();
        try
        {
            await status.WhenAllStopped().WaitAsync(timeout, TestContext.Current.CancellationToken);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"Stations did not finish in {timeout}: {string.Join("; ", status.Stations)}");
        }
    }

    /// <summary>Every message in FRAMES, in stream order, with its subject and headers.</summary>
    public static async Task<List<INatsJSMsg<FrameCaptured>>> ReadFramesStreamAsync(NatsConnection nats, CancellationToken cancellationToken)
    {
        var js = nats.CreateJetStreamContext();
        var stream = await js.GetStreamAsync(Streams.Frames, cancellationToken: cancellationToken);
        var expected = (int)stream.Info.State.Messages;
        var messages = new List<INatsJSMsg<FrameCaptured>>(expected);
        if (expected == 0)
        {
            return messages;
        }

        var consumer = await js.CreateOrderedConsumerAsync(Streams.Frames, cancellationToken: cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        await foreach (var msg in consumer.ConsumeAsync(ContractSerializers.ForReading<FrameCaptured>(), cancellationToken: timeout.Token))
        {
            messages.Add(msg);
            if (messages.Count == expected)
            {
                break;
            }
        }

        return messages;
    }

    /// <summary>Every key in a bucket.</summary>
    public static async Task<List<string>> ListKeysAsync(IAmazonS3 s3, string bucket, CancellationToken cancellationToken)
    {
        var keys = new List<string>();
        var request = new ListObjectsV2Request { BucketName = bucket };
        ListObjectsV2Response response;
        do
        {
            response = await s3.ListObjectsV2Async(request, cancellationToken);
            keys.AddRange((response.S3Objects ?? []).Select(o => o.Key));
            request.ContinuationToken = response.NextContinuationToken;
        }
        while (response.IsTruncated == true);

        return keys;
    }
}
