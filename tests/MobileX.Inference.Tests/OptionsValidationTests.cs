using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MobileX.Inference.Extensions;

namespace MobileX.Inference.Tests;

/// <summary>A bad setting stops start-up with a message naming it.</summary>
public sealed class OptionsValidationTests
{
    public static TheoryData<string, string, string, string> BadSettings => new()
    {
        { "Inference:Backend", "midjourney", "", "Inference:Backend must be one of local, automatic1111, comfyui (got 'midjourney')" },
        { "Inference:Backend", "automatic1111", "", "Inference:Automatic1111:BaseUrl must be an absolute http(s) URL" },
        { "Inference:Backend", "comfyui", "Inference:ComfyUI:BaseUrl=ftp://x/", "Inference:ComfyUI:BaseUrl must be an absolute http(s) URL" },
        { "Inference:Backend", "comfyui", "Inference:ComfyUI:WorkflowPath=/nonexistent/wf.json", "Inference:ComfyUI:WorkflowPath '/nonexistent/wf.json' does not exist" },
        { "Inference:QueueLimit", "-1", "", "Inference:QueueLimit must be 0 or more" },
        { "Inference:MaxConcurrency", "0", "", "Inference:MaxConcurrency must be at least 1" },
        { "Inference:Timeout", "00:00:00", "", "Inference:Timeout must be positive" },
        { "Inference:Backend", "automatic1111", "Inference:Automatic1111:UserName=admin", "Inference:Automatic1111:UserName and Inference:Automatic1111:Password must be set together" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public async Task A_bad_setting_stops_start_up_naming_it(string key, string value, string extra, string expected)
    {
        var settings = new Dictionary<string, string?> { [key] = value, ["Inference:Automatic1111:BaseUrl"] = key == "Inference:Backend" && value == "automatic1111" ? "" : "http://127.0.0.1:7860/" };
        if (extra.Split('=', 2) is [var k, var v])
        {
            settings[k] = v;
        }

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(settings));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_defaults_and_a_complete_automatic1111_setup_start()
    {
        await StartAsync([]);
        await StartAsync(new Dictionary<string, string?>
        {
            ["Inference:Backend"] = "automatic1111",
            ["Inference:Automatic1111:BaseUrl"] = "http://127.0.0.1:7860/",
            ["Inference:Automatic1111:UserName"] = "mobilex",
            ["Inference:Automatic1111:Password"] = "s3cret",
        });
    }

    /// <summary>
    /// Starts a host with the adapter's registrations. A plain host, not WebApplicationFactory: when start-up fails,
    /// the factory races its own disposal and sometimes reports ObjectDisposedException instead of the cause.
    /// </summary>
    private static async Task StartAsync(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddInference();
        using var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task A_template_without_the_image_placeholder_is_refused_at_start_up()
    {
        var path = Path.Combine(Path.GetTempPath(), $"wf-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """{ "9": { "class_type": "SaveImage", "inputs": { "text": "{{prompt}} {{seed}} {{denoise}}" } } }""");
        try
        {
            var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(new Dictionary<string, string?>
            {
                ["Inference:Backend"] = "comfyui",
                ["Inference:ComfyUI:BaseUrl"] = "http://127.0.0.1:8188/",
                ["Inference:ComfyUI:WorkflowPath"] = path,
            }));
            Assert.Contains("placeholders missing: {{image}}", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
