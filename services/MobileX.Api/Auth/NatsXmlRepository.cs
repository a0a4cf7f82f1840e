using System.Collections.Concurrent;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using MobileX.Api.Telemetry;
using MobileX.Contracts;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.KeyValueStore;

namespace MobileX.Api.Auth;

/// <summary>
/// The Data Protection key ring in NATS KV bucket <see cref="KeyValueBuckets.ApiKeyRing"/>, shared by every API replica
/// (pods share no disk). The bucket is read once at start and then watched, so <see cref="GetAllElements"/> answers from
/// memory and sees a key another replica made within milliseconds. At start, if the ring is empty, exactly one replica
/// (the one whose KV create of <see cref="CreatorKey"/> wins) makes the first key and the others wait for it: replicas
/// that start together would otherwise each make a key of their own, and refuse each other's cookies until their rings
/// next refresh.
/// </summary>
internal sealed class NatsXmlRepository(INatsJSContext js, IServiceProvider services, TimeProvider time, ILogger<NatsXmlRepository> logger)
    : IXmlRepository, IHostedService, IAsyncDisposable
{
    private const string KeyPrefix = "key.";
    private const string CreatorKey = "first-key-creator";
    private static readonly TimeSpan FirstKeyWait = TimeSpan.FromSeconds(20);

    private readonly ConcurrentDictionary<string, XElement> _elements = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private INatsKVStore? _store;
    private Task? _watch;

    public IReadOnlyCollection<XElement> GetAllElements() => [.. _elements.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => new XElement(e.Value))];

    public void StoreElement(XElement element, string friendlyName)
    {
        var key = KeyPrefix + new string([.. friendlyName.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-')]);
        var store = _store ?? throw new InvalidOperationException($"The key ring in NATS KV {KeyValueBuckets.ApiKeyRing} is not loaded yet.");
        // IXmlRepository is synchronous; a key is stored once at first start and once per rotation (90 days), so this
        // wait is rare and short, and the key must be in the bucket before anything it protects leaves this replica.
        store.PutAsync(key, Encoding.UTF8.GetBytes(element.ToString(SaveOptions.DisableFormatting)), serializer: NatsRawSerializer<byte[]>.Default)
            .AsTask().GetAwaiter().GetResult();
        _elements[key] = new XElement(element);
        ApiLog.KeyRingKeyStored(logger, key, KeyValueBuckets.ApiKeyRing);
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _store = await new NatsKVContext(js).CreateOrUpdateStoreAsync(new NatsKVConfig(KeyValueBuckets.ApiKeyRing)
        {
            Description = "MobileX API: ASP.NET Data Protection key ring shared by the replicas (sign-in cookies)",
            History = 1,
            Storage = NatsKVStorageType.File,
        }, cancellationToken).ConfigureAwait(false);

        await foreach (var key in _store.GetKeysAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            await LoadAsync(key, cancellationToken).ConfigureAwait(false);
        }

        _watch = WatchAsync(_stopping.Token);
        ApiLog.KeyRingLoaded(logger, _elements.Count, KeyValueBuckets.ApiKeyRing);

        if (_elements.IsEmpty)
        {
            await EnsureFirstKeyAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task EnsureFirstKeyAsync(CancellationToken cancellationToken)
    {
        var creator = false;
        try
        {
            await _store!.CreateAsync(CreatorKey, Encoding.UTF8.GetBytes(Environment.MachineName), serializer: NatsRawSerializer<byte[]>.Default,
                cancellationToken: cancellationToken).ConfigureAwait(false);
            creator = true;
        }
        catch (NatsKVCreateException)
        {
            // Another replica is making the first key.
        }

        if (creator)
        {
            var now = time.GetUtcNow();
            services.GetRequiredService<IKeyManager>().CreateNewKey(now, now.AddDays(90));
            return;
        }

        var deadline = time.GetUtcNow() + FirstKeyWait;
        while (_elements.IsEmpty && time.GetUtcNow() < deadline)
        {
            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }

        if (_elements.IsEmpty)
        {
            // The creator died before storing its key: Data Protection makes one here; cookies of other replicas may be
            // refused until their rings refresh.
            ApiLog.KeyRingFirstKeyMissing(logger, KeyValueBuckets.ApiKeyRing, FirstKeyWait);
        }
    }

    private async Task LoadAsync(string key, CancellationToken cancellationToken)
    {
        if (!key.StartsWith(KeyPrefix, StringComparison.Ordinal))
        {
            return;
        }

        try
        {
            var entry = await _store!.GetEntryAsync(key, serializer: NatsRawSerializer<byte[]>.Default, cancellationToken: cancellationToken).ConfigureAwait(false);
            Add(key, entry.Value);
        }
        catch (Exception ex) when (ex is NatsKVKeyNotFoundException or NatsKVKeyDeletedException)
        {
            // Removed between the listing and the read.
        }
    }

    private void Add(string key, byte[]? value)
    {
        if (!key.StartsWith(KeyPrefix, StringComparison.Ordinal) || value is not { Length: > 0 })
        {
            return;
        }

        try
        {
            _elements[key] = XElement.Parse(Encoding.UTF8.GetString(value));
        }
        catch (System.Xml.XmlException ex)
        {
            ApiLog.KeyRingBadEntry(logger, ex, key, KeyValueBuckets.ApiKeyRing);
        }
    }

    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var entry in _store!.WatchAsync($"{KeyPrefix}>", serializer: NatsRawSerializer<byte[]>.Default, cancellationToken: cancellationToken).ConfigureAwait(false))
                {
                    if (entry.Operation == NatsKVOperation.Put)
                    {
                        Add(entry.Key, entry.Value);
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                ApiLog.KeyRingWatchFailed(logger, ex, KeyValueBuckets.ApiKeyRing);
                await Task.Delay(TimeSpan.FromSeconds(1), time, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
            }
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_watch is not null)
        {
            await _watch.ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }
}
