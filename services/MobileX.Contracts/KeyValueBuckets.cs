namespace MobileX.Contracts;

/// <summary>NATS key-value buckets that services other than models own (a model's is <see cref="ModelName.CheckpointBucket"/>).</summary>
public static class KeyValueBuckets
{
    /// <summary>
    /// The API replicas' shared ASP.NET Data Protection key ring (one entry per key, XML), so a sign-in cookie made by
    /// one replica is read by every other. Only the API's NATS user needs it (stream <c>KV_api-keyring</c>).
    /// </summary>
    public const string ApiKeyRing = "api-keyring";
}
