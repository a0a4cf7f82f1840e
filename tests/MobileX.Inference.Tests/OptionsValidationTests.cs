using Microsoft.Extensions.Options;

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
    public void A_bad_setting_stops_start_up_naming_it(string key, string value, string extra, string expected)
    {
        var settings = new Dictionary<string, string?> { [key] = value, ["Inference:Automatic1111:BaseUrl"] = key == "Inference:Backend" && value == "automatic1111" ? "" : "http://127.0.0.1:7860/" };
        if (extra.Split('=', 2) is [var k, var v])
        {
            settings[k] = v;
        }

        using var app = new InferenceApp(settings);
        var ex = Assert.Throws<OptionsValidationException>(() => app.CreateClient());
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_template_without_the_image_placeholder_is_refused_at_start_up()
    {
        var path = Path.Combine(Path.GetTempPath(), $"wf-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """{ "9": { "class_type": "SaveImage", "inputs": { "text": "{{prompt}} {{seed}} {{denoise}}" } } }""");
        try
        {
            using var app = new InferenceApp(new Dictionary<string, string?>
            {
                ["Inference:Backend"] = "comfyui",
                ["Inference:ComfyUI:BaseUrl"] = "http://127.0.0.1:8188/",
                ["Inference:ComfyUI:WorkflowPath"] = path,
            });
            var ex = Assert.Throws<OptionsValidationException>(() => app.CreateClient());
            Assert.Contains("placeholders missing: {{image}}", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
