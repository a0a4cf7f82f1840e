using System.Text.Json;
using Microsoft.Extensions.Configuration;
using MobileX.Contracts;
using MobileX.Hosting.Minio;

namespace MobileX.AppHost.Tests;

/// <summary>
/// What each MinIO identity may do, read from the policy JSON and the provisioning script the step runs. MinIO itself
/// cannot run here (no server binary or image is reachable), so the documents MinIO would enforce are what is tested.
/// </summary>
public sealed class S3IdentityTests
{
    [Fact]
    public void Station_03_may_put_only_into_station_03_and_read_nothing()
    {
        var policy = Parse(S3Identity.Station(StationId.Parse("03")).PolicyDocument());

        Assert.Equal(["arn:aws:s3:::station-03/*"], ResourcesOf(policy, "s3:PutObject"));
        Assert.Equal(["arn:aws:s3:::station-03"], ResourcesOf(policy, "s3:CreateBucket"));
        Assert.Empty(ResourcesOf(policy, "s3:GetObject"));
        Assert.Empty(ResourcesOf(policy, "s3:ListBucket"));
        AssertNoDeleteOrAdmin(policy);
    }

    [Fact]
    public void The_preprocessor_reads_the_station_buckets_and_writes_only_processed()
    {
        var policy = Parse(S3Identity.Preprocessor.PolicyDocument());

        Assert.Equal(["arn:aws:s3:::station-*/*"], ResourcesOf(policy, "s3:GetObject"));
        Assert.Equal(["arn:aws:s3:::processed/*"], ResourcesOf(policy, "s3:PutObject"));
        AssertNoDeleteOrAdmin(policy);
    }

    [Fact]
    public void The_api_reads_stations_processed_and_avatars_and_writes_only_avatars()
    {
        var policy = Parse(S3Identity.Api.PolicyDocument());

        Assert.Equal(["arn:aws:s3:::avatars/*", "arn:aws:s3:::processed/*", "arn:aws:s3:::station-*/*"], ResourcesOf(policy, "s3:GetObject"));
        Assert.Equal(["arn:aws:s3:::avatars/*"], ResourcesOf(policy, "s3:PutObject"));
        AssertNoDeleteOrAdmin(policy);
    }

    [Fact]
    public void The_capture_process_itself_may_only_list_bucket_names()
    {
        var policy = Parse(S3Identity.Capture.PolicyDocument());

        var statement = Assert.Single(policy.GetProperty("Statement").EnumerateArray());
        Assert.Equal("s3:ListAllMyBuckets", Assert.Single(statement.GetProperty("Action").EnumerateArray()).GetString());
    }

    [Fact]
    public void The_script_attaches_each_policy_to_its_own_user_and_reads_secrets_only_from_the_environment()
    {
        var identities = new[] { S3Identity.Station(StationId.Parse("03")), S3Identity.Api };
        var script = MinioProvisioning.Script(identities, [("station-03", "Stations")], "mc", "/tmp");

        Assert.Contains("mc admin policy attach mobilex station-03-write --user station-03", script);
        Assert.Contains("mc admin policy attach mobilex api-rw --user api", script);
        Assert.Contains("mc admin user add mobilex station-03 \"$S3_SECRET_STATION_03\"", script);
        Assert.Single(script.Split('\n'), l => l.Contains("policy attach", StringComparison.Ordinal) && l.Contains("--user station-03", StringComparison.Ordinal));
        // Idempotent: rerunning keeps one lifecycle rule and the bucket.
        Assert.Contains("mc mb --ignore-existing mobilex/station-03", script);
        Assert.Contains("mc ilm rule rm --all --force mobilex/station-03", script);
    }

    [Theory]
    [InlineData("StationsDays", "-1", "MobileX:Retention:StationsDays is '-1'")]
    [InlineData("AvatarsDays", "soon", "MobileX:Retention:AvatarsDays is 'soon'")]
    public void A_bad_retention_setting_is_refused_naming_it(string setting, string value, string message)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new($"MobileX:Retention:{setting}", value)]).Build();

        var ex = Assert.Throws<DistributedApplicationException>(() => MinioProvisioning.RetentionSettings(configuration));

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Retention_defaults_and_zero_are_accepted()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new("MobileX:Retention:ProcessedDays", "0")]).Build();

        var days = MinioProvisioning.RetentionSettings(configuration);

        Assert.Equal(Retention.StationsDays, days["Stations"]);
        Assert.Equal(0, days["Processed"]);
        Assert.Equal(Retention.AvatarsDays, days["Avatars"]);
    }

    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement;

    private static List<string> ResourcesOf(JsonElement policy, string action) =>
        [.. policy.GetProperty("Statement").EnumerateArray()
            .Where(s => s.GetProperty("Action").EnumerateArray().Any(a => a.GetString() == action))
            .SelectMany(s => s.GetProperty("Resource").EnumerateArray().Select(r => r.GetString()!))
            .Order(StringComparer.Ordinal)];

    private static void AssertNoDeleteOrAdmin(JsonElement policy)
    {
        var actions = policy.GetProperty("Statement").EnumerateArray().SelectMany(s => s.GetProperty("Action").EnumerateArray()).Select(a => a.GetString()!).ToList();
        Assert.DoesNotContain(actions, a => a.Contains("Delete", StringComparison.Ordinal) || a.StartsWith("admin:", StringComparison.Ordinal) || a == "s3:*");
        Assert.All(policy.GetProperty("Statement").EnumerateArray(), s => Assert.Equal("Allow", s.GetProperty("Effect").GetString()));
    }
}
