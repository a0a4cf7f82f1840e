using MobileX.Capture;
using MobileX.Capture.Stations;
using MobileX.Contracts;

namespace MobileX.Capture.Tests.Stations;

public sealed class StationSelectionTests
{
    [Fact]
    public void The_default_fleet_is_stations_01_to_10() =>
        Assert.Equal(StationId.Range(10), StationSelection.Resolve(new CaptureOptions()));

    [Fact]
    public void A_single_station_wins_over_the_list_and_the_count() =>
        Assert.Equal([new StationId(3)], StationSelection.Resolve(new CaptureOptions { Station = "03", Stations = "01,02", Count = 5 }));

    [Fact]
    public void A_list_keeps_its_order() =>
        Assert.Equal([new StationId(7), new StationId(2)], StationSelection.Resolve(new CaptureOptions { Stations = " 07 , 02 " }));

    [Fact]
    public void The_command_line_switch_selects_one_station()
    {
        var configuration = Microsoft.Extensions.Configuration.CommandLineConfigurationExtensions.AddCommandLine(
            new Microsoft.Extensions.Configuration.ConfigurationBuilder(),
            ["--station", "03"], Microsoft.Extensions.Hosting.CaptureExtensions.SwitchMappings.ToDictionary())
            .Build();
        Assert.Equal("03", configuration["Capture:Station"]);
    }
}
