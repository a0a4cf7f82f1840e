using Amazon.S3.Model;
using Microsoft.Extensions.Hosting;
using MobileX.Cli.Tests.Infrastructure;

namespace MobileX.Cli.Tests.Lake;

/// <summary>
/// What the lake's partition walk needs from the S3 server, checked on the s3rver launcher the local run and the
/// tests use: delimited listings that find prefixes deeper than one level, and listings longer than a page.
/// </summary>
[Collection(LakeCollection.Name)]
public sealed class S3rverListingTests(LakeFixture lake)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DelimitedListingFindsDeepCommonPrefixesAtEveryLevel()
    {
        const string bucket = "listing-depth";
        await lake.Client.EnsureBucketAsync(bucket, Ct);
        foreach (var key in new[] { "2026/12/01/14/a.jpg", "2026/12/01/15/b.jpg", "2026/12/02/00/c.jpg", "2027/01/01/00/d.jpg", "top.txt" })
        {
            await lake.Client.PutObjectAsync(bucket, key, "x"u8.ToArray(), "text/plain", cancellationToken: Ct);
        }

        async Task<(List<string> Prefixes, List<string> Keys)> ListAsync(string prefix)
        {
            var page = await lake.Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = prefix, Delimiter = "/" }, Ct);
            return ([.. page.CommonPrefixes ?? []], [.. (page.S3Objects ?? []).Select(o => o.Key)]);
        }

        var root = await ListAsync(string.Empty);
        Assert.Equal(["2026/", "2027/"], root.Prefixes);
        Assert.Equal(["top.txt"], root.Keys);
        Assert.Equal(["2026/12/"], (await ListAsync("2026/")).Prefixes);
        Assert.Equal(["2026/12/01/", "2026/12/02/"], (await ListAsync("2026/12/")).Prefixes);
        Assert.Equal(["2026/12/01/14/", "2026/12/01/15/"], (await ListAsync("2026/12/01/")).Prefixes);
        Assert.Equal(["2026/12/01/14/a.jpg"], (await ListAsync("2026/12/01/14/")).Keys);
    }

    [Fact]
    public async Task ListingLongerThanAPageContinues()
    {
        const string bucket = "listing-pages";
        await lake.Client.EnsureBucketAsync(bucket, Ct);
        var keys = Enumerable.Range(0, 1005).Select(i => $"hour/{i:0000}.jpg").ToList();
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Ct },
            async (key, ct) => await lake.Client.PutObjectAsync(bucket, key, "x"u8.ToArray(), "image/jpeg", cancellationToken: ct));

        var listed = new List<string>();
        var request = new ListObjectsV2Request { BucketName = bucket, Prefix = "hour/" };
        var pages = 0;
        ListObjectsV2Response page;
        do
        {
            page = await lake.Client.ListObjectsV2Async(request, Ct);
            pages++;
            listed.AddRange((page.S3Objects ?? []).Select(o => o.Key));
            request.ContinuationToken = page.NextContinuationToken;
        }
        while (page.IsTruncated == true);

        Assert.Equal(2, pages);
        Assert.Equal(keys, listed);
    }
}
