using MobileX.Contracts;
using NATS.Client.Core;
using NATS.Client.Serializers.Json;

namespace MobileX.Messaging;

/// <summary>NATS serializers for the contract messages, from the source-generated <see cref="ContractsJsonContext"/>.</summary>
public static class ContractSerializers
{
    /// <summary>Serializes and deserializes every contract type; no reflection on the hot path.</summary>
    public static readonly INatsSerializerRegistry Registry = new NatsJsonContextSerializerRegistry(ContractsJsonContext.Default);

    public static INatsSerialize<T> For<T>() => Registry.GetSerializer<T>();

    public static INatsDeserialize<T> ForReading<T>() => Registry.GetDeserializer<T>();
}
