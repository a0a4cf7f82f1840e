using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MobileX.Capture.Stations;
using MobileX.Capture.Tests.Infrastructure;
using MobileX.Contracts;
using MobileX.Testing;
using OpenCvSharp;

namespace MobileX.Capture.Tests.Stations;

[Collection(BadInputCollection.Name)]
public sealed class BadInputTests(NatsServerFixture nats, S3ServerFixture s3)
{
    [Fact]
    public async Task A_missing_folder_stops_only_its_station_with_an_error_naming_it_and_its_source()
    {
        var ct = TestContext.Current.CancellationToken;
        var missing = Path.Combine(Path.GetTempPath(), "mobilex-no-such-folder-" + Guid.NewGuid().ToString("N"));
        using var host = CaptureHost.Build(nats, s3, new Dictionary<string, string?>
        {
            ["Capture:Stations"] = "11,12",
            ["Capture:FramesPerSecond"] = "20",
            ["Capture:MaxFrames"] = "3",
            ["Capture:Width"] = "320",
            ["Capture:Height"] = "180",
            ["Capture:StationSources:12"] = $"images:{missing}",
        });
        await host.StartAsync(ct);
        await host.WaitForStationsAsync(TimeSpan.FromSeconds(60));
        var health = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Name == "capture", ct);
        await host.StopAsync(ct);

        Assert.Equal(HealthStatus.Degraded, health.Status);
        Assert.Contains("Station 12", health.Entries["capture"].Description);

        var good = host.Status().For(new StationId(11));
        var bad = host.Status().For(new StationId(12));
        Assert.Equal(StationState.Completed, good.State);
        Assert.Equal(3, good.Published);
        Assert.Equal(StationState.Faulted, bad.State);
        Assert.Contains("Station 12", bad.Error);
        Assert.Contains($"images:{missing}", bad.Error);
        Assert.Contains("does not exist", bad.Error);
        Assert.Equal(0, bad.Captured);
    }

    [Fact]
    public async Task A_missing_samples_folder_names_the_setting_and_the_station()
    {
        var ct = TestContext.Current.CancellationToken;
        using var host = CaptureHost.Build(nats, s3, new Dictionary<string, string?>
        {
            ["Capture:Station"] = "13",
            ["Capture:SamplesFolder"] = "/nonexistent/mobilex-samples",
        });
        await host.StartAsync(ct);
        await host.WaitForStationsAsync(TimeSpan.FromSeconds(30));
        await host.StopAsync(ct);

        var station = Assert.Single(host.Status().Stations);
        Assert.Equal(StationState.Faulted, station.State);
        Assert.Contains("Station 13", station.Error);
        Assert.Contains("Capture:SamplesFolder", station.Error);
        Assert.Contains("/nonexistent/mobilex-samples", station.Error);
    }

    [Fact]
    public async Task Corrupt_images_in_a_folder_are_skipped_and_counted()
    {
        var ct = TestContext.Current.CancellationToken;
        var folder = Directory.CreateTempSubdirectory("mobilex-images-").FullName;
        try
        {
            File.Copy(RepositoryPaths.TestImage("astronaut.png"), Path.Combine(folder, "a-astronaut.png"));
            using (var coffee = Cv2.ImRead(RepositoryPaths.TestImage("coffee.png")))
            {
                var jpeg = coffee.ImEncode(".jpg");
                await File.WriteAllBytesAsync(Path.Combine(folder, "b-truncated.jpg"), jpeg[..(jpeg.Length / 8)], ct);
            }

            await File.WriteAllTextAsync(Path.Combine(folder, "c-not-an-image.png"), "this is text", ct);
            await File.WriteAllBytesAsync(Path.Combine(folder, "d-empty.jpg"), [], ct);

            using var host = CaptureHost.Build(nats, s3, new Dictionary<string, string?>
            {
                ["Capture:Station"] = "14",
                ["Capture:Source"] = $"images:{folder}",
                ["Capture:FramesPerSecond"] = "20",
                ["Capture:MaxFrames"] = "4",
                ["Capture:Width"] = "640",
                ["Capture:Height"] = "360",
            });
            await host.StartAsync(ct);
            await host.WaitForStationsAsync(TimeSpan.FromSeconds(60));
            await host.StopAsync(ct);

            var station = host.Status().For(new StationId(14));
            Assert.Equal(StationState.Completed, station.State);
            Assert.Equal(4, station.Published);
            // Counted once per file, however many passes the loop makes over the folder.
            Assert.Equal(3, station.Skipped);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_video_loops_and_a_video_or_camera_that_cannot_be_opened_stops_its_station()
    {
        var ct = TestContext.Current.CancellationToken;
        var folder = Directory.CreateTempSubdirectory("mobilex-video-").FullName;
        try
        {
            var video = Path.Combine(folder, "door.avi");
            using (var astronaut = Cv2.ImRead(RepositoryPaths.TestImage("astronaut.png")))
            using (var writer = new VideoWriter(video, FourCC.MJPG, 5, new Size(astronaut.Width, astronaut.Height)))
            {
                for (var i = 0; i < 3; i++)
                {
                    writer.Write(astronaut);
                }
            }

            var notAVideo = Path.Combine(folder, "notes.mp4");
            await File.WriteAllTextAsync(notAVideo, "not a video", ct);

            using var host = CaptureHost.Build(nats, s3, new Dictionary<string, string?>
            {
                ["Capture:Stations"] = "15,16,17",
                ["Capture:FramesPerSecond"] = "20",
                ["Capture:MaxFrames"] = "7",
                ["Capture:Width"] = "320",
                ["Capture:Height"] = "180",
                ["Capture:StationSources:15"] = $"video:{video}",
                ["Capture:StationSources:16"] = $"video:{notAVideo}",
                ["Capture:StationSources:17"] = "camera:7",
            });
            await host.StartAsync(ct);
            await host.WaitForStationsAsync(TimeSpan.FromSeconds(60));
            await host.StopAsync(ct);

            // Seven frames from a three-frame clip: it looped.
            var looping = host.Status().For(new StationId(15));
            Assert.Equal((StationState.Completed, 7L), (looping.State, looping.Published));

            var broken = host.Status().For(new StationId(16));
            Assert.Equal(StationState.Faulted, broken.State);
            Assert.Contains($"Station 16 cannot read its source 'video:{notAVideo}'", broken.Error);

            var camera = host.Status().For(new StationId(17));
            Assert.Equal(StationState.Faulted, camera.State);
            Assert.Contains("Station 17 cannot read its source 'camera:7': camera 7 is absent", camera.Error);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("Capture:Stations", "01,02,01", "Capture:Stations lists station 01 twice")]
    [InlineData("Capture:Stations", "05,100", "Capture:Stations lists '100', which is not a station id")]
    [InlineData("Capture:Stations", "00", "Capture:Stations lists '00', which is not a station id")]
    [InlineData("Capture:Station", "7", "Capture:Station (--station) is '7', which is not a station id")]
    [InlineData("Capture:Count", "100", "Capture:Count must be 1 to 99")]
    [InlineData("Capture:Source", "webcam", "Capture:Source 'webcam' is not a source")]
    [InlineData("Capture:StationSources:03", "camera:front", "Capture:StationSources:03 'camera:front' needs a camera index")]
    [InlineData("Capture:FramesPerSecond", "0", "Capture:FramesPerSecond must be between")]
    [InlineData("StationCredentials:01:User", "station-01", "StationCredentials:01 needs both User and Password")]
    public async Task Bad_settings_refuse_to_start_with_a_message_naming_the_setting(string setting, string value, string expected)
    {
        var ct = TestContext.Current.CancellationToken;
        using var host = CaptureHost.Build(nats, s3, new Dictionary<string, string?> { [setting] = value });
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(ct));
        Assert.Contains(expected, error.Message);
    }
}
