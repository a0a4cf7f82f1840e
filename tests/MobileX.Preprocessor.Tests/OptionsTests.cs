using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Options;

namespace MobileX.Preprocessor.Tests;

/// <summary>A bad setting stops the service at start-up with a message naming the setting.</summary>
public sealed class OptionsTests
{
    [Theory]
    [InlineData("Preprocessor:Crop:OutputSize", "600")]
    [InlineData("Preprocessor:Crop:CascadePath", "/nonexistent/cascade.xml")]
    [InlineData("Preprocessor:Crop:CascadePath", "/etc/passwd")]
    [InlineData("Preprocessor:Crop:DetectionWidth", "100")]
    [InlineData("Preprocessor:MaxDeliver", "0")]
    [InlineData("Preprocessor:Crop:MinBrightness", "300")]
    [InlineData("Preprocessor:RetryDelay", "00:00:00.001")]
    [InlineData("Preprocessor:MaxRetryDelay", "00:00:00.500")]
    [InlineData("Preprocessor:Startup:MaxRetryDelay", "02:00:00")]
    public void A_bad_setting_stops_start_up_naming_it(string key, string value)
    {
        using var app = new WebApplicationFactory<Program>().WithWebHostBuilder(web => web
            .UseSetting("ConnectionStrings:nats", "nats://127.0.0.1:1")
            .UseSetting("ConnectionStrings:minio", "Endpoint=http://127.0.0.1:1;AccessKey=a;SecretKey=b")
            .UseSetting(key, value));

        var error = Assert.Throws<OptionsValidationException>(() => app.Services);
        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }
}
