using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using MobileX.Feeds;
using MobileX.Feeds.Lake;

namespace Microsoft.Extensions.Hosting;

/// <summary>How a model joins the pipeline: one call, and it has its feed, the lake and the bus, scoped to itself.</summary>
public static class FeedsExtensions
{
    /// <summary>
    /// Registers <see cref="FrameFeed"/> from section <c>Feeds</c> (validated at start-up), the NATS connection
    /// <c>nats</c> with the model's own inbox prefix (its NATS user may read no other inbox), JetStream, the S3 client
    /// <c>minio</c>, <see cref="LakeCatalog"/> and <see cref="LakeReader"/>. The AppHost's <c>AddModel</c> sets all of it.
    /// </summary>
    public static IHostApplicationBuilder AddFrameFeed(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<FeedOptions>().Bind(builder.Configuration.GetSection(FeedOptions.SectionName)).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FeedOptions>, FeedOptionsValidator>());

        builder.AddNatsClient("nats", configureOptions: (sp, opts) => opts with
        {
            InboxPrefix = sp.GetRequiredService<IOptions<FeedOptions>>().Value.ModelName().InboxPrefix,
        });
        builder.AddNatsJetStream();
        builder.AddS3Client("minio");
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<LakeCatalog>();
        builder.Services.TryAddSingleton<LakeReader>();
        builder.Services.TryAddSingleton<FrameFeed>();
        return builder;
    }
}
