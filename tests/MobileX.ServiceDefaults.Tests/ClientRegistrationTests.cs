using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace MobileX.ServiceDefaults.Tests;

/// <summary>A service without a usable connection string stops at once, and the message names the setting.</summary>
public class ClientRegistrationTests
{
    private static HostApplicationBuilder Builder(params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)));
        return builder;
    }

    [Fact]
    public void Nats_without_a_connection_string_names_the_missing_setting()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => Builder().AddNatsClient("nats"));

        Assert.Contains("NATS connection string not found", ex.Message);
        Assert.Contains("ConnectionStrings:nats", ex.Message);
        Assert.Contains("ConnectionStrings__nats", ex.Message);
    }

    [Theory]
    [InlineData("http://user:secret@localhost:4222")]
    [InlineData("nats://")]
    [InlineData("nats://user:secret@")]
    public void A_malformed_nats_url_is_refused_without_echoing_the_password(string url)
    {
        var ex = Assert.Throws<InvalidOperationException>(() => Builder(("ConnectionStrings:nats", url)).AddNatsClient("nats"));

        Assert.Contains("'ConnectionStrings:nats' is malformed", ex.Message);
        Assert.DoesNotContain("secret", ex.Message);
    }

    [Theory]
    [InlineData("nats://nats:pw@localhost:4222")]
    [InlineData("nats://a:4222,nats://b:4222")]
    [InlineData("localhost:4222")]
    public void Well_formed_nats_urls_are_accepted(string url)
    {
        var builder = Builder(("ConnectionStrings:nats", url));

        builder.AddNatsClient("nats");
        builder.AddNatsJetStream();

        using var host = builder.Build();
        Assert.NotNull(host.Services.GetService(typeof(NATS.Client.Core.INatsConnection)));
        Assert.NotNull(host.Services.GetService(typeof(NATS.Client.JetStream.INatsJSContext)));
    }

    [Theory]
    [InlineData("nats://preprocessor:pw@localhost:4222", "_INBOX.preprocessor")]
    [InlineData("nats://station-03:p%40ss@a:4222,nats://station-03:p%40ss@b:4222", "_INBOX.station-03")]
    [InlineData("nats://localhost:4222", "_INBOX")]
    [InlineData("nats://bad.user:pw@localhost:4222", "_INBOX")]
    public void The_connection_replies_to_its_users_own_inbox(string url, string prefix)
    {
        var builder = Builder(("ConnectionStrings:nats", url));
        builder.AddNatsClient("nats");

        using var host = builder.Build();
        var connection = (NATS.Client.Core.NatsConnection)host.Services.GetService(typeof(NATS.Client.Core.NatsConnection))!;
        Assert.Equal(prefix, connection.Opts.InboxPrefix);
    }

    [Fact]
    public void S3_without_a_connection_string_names_the_missing_setting()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => Builder().AddS3Client("minio"));

        Assert.Contains("ConnectionStrings:minio", ex.Message);
        Assert.Contains("Endpoint=http://host:port;AccessKey=", ex.Message);
    }

    [Theory]
    [InlineData("Endpoint=ftp://localhost:9000;AccessKey=a;SecretKey=b", "is not an http:// or https:// URL")]
    [InlineData("Endpoint=http://localhost:9000;AccessKey=a", "not found or incomplete")]
    [InlineData("just-a-hostname", "malformed")]
    public void A_malformed_s3_connection_string_is_refused_with_the_reason(string connectionString, string reason)
    {
        var ex = Assert.Throws<InvalidOperationException>(() => Builder(("ConnectionStrings:minio", connectionString)).AddS3Client("minio"));

        Assert.Contains("ConnectionStrings:minio", ex.Message);
        Assert.Contains(reason, ex.Message);
    }
}
