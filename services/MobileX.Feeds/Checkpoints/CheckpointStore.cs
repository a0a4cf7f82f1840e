using System.Text.Json;
using MobileX.Contracts;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.KeyValueStore;

namespace MobileX.Feeds.Checkpoints;

/// <summary>
/// The feed's checkpoint in NATS key-value bucket <c>feeds-&lt;model&gt;</c> (<see cref="ModelName.CheckpointBucket"/>):
/// beside the model's durable consumers on the same server, so a checkpoint never outlives or precedes them by
/// accident, and the model needs no store of its own. File storage, one revision kept.
/// </summary>
internal sealed class CheckpointStore(INatsJSContext js, ModelName model)
{
    private const string Key = "checkpoint";
    private INatsKVStore? _store;

    public async Task<FeedCheckpoint?> LoadAsync(CancellationToken cancellationToken)
    {
        var store = await StoreAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var entry = await store.GetEntryAsync(Key, serializer: NatsRawSerializer<byte[]>.Default, cancellationToken: cancellationToken).ConfigureAwait(false);
            return entry.Value is { Length: > 0 } bytes ? JsonSerializer.Deserialize(bytes, FeedsJsonContext.Default.FeedCheckpoint) : null;
        }
        catch (NatsKVKeyNotFoundException)
        {
            return null;
        }
        catch (NatsKVKeyDeletedException)
        {
            return null;
        }
    }

    public async Task SaveAsync(FeedCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        var store = await StoreAsync(cancellationToken).ConfigureAwait(false);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(checkpoint, FeedsJsonContext.Default.FeedCheckpoint);
        await store.PutAsync(Key, bytes, serializer: NatsRawSerializer<byte[]>.Default, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<INatsKVStore> StoreAsync(CancellationToken cancellationToken) =>
        _store ??= await new NatsKVContext(js).CreateOrUpdateStoreAsync(new NatsKVConfig(model.CheckpointBucket)
        {
            Description = $"MobileX feed checkpoint of model {model}",
            History = 1,
            Storage = NatsKVStorageType.File,
        }, cancellationToken).ConfigureAwait(false);
}
