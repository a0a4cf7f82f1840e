using Microsoft.Extensions.Configuration;
using MobileX.Hosting.Infrastructure;

namespace MobileX.AppHost.Tests;

public class InfrastructureModeTests
{
    private sealed class Probe(string? problem) : IContainerRuntimeProbe
    {
        public int Calls { get; private set; }

        public string? Problem()
        {
            Calls++;
            return problem;
        }
    }

    private static IConfiguration Config(string? mode) => new ConfigurationBuilder()
        .AddInMemoryCollection(mode is null ? [] : [new(InfrastructureSelector.SettingName, mode)])
        .Build();

    [Theory]
    [InlineData("Local", InfrastructureMode.Local)]
    [InlineData("local", InfrastructureMode.Local)]
    [InlineData("Containers", InfrastructureMode.Containers)]
    [InlineData("CONTAINERS", InfrastructureMode.Containers)]
    public void Configuration_wins_and_skips_the_probe(string configured, InfrastructureMode expected)
    {
        var probe = new Probe("would say no runtime");

        var choice = InfrastructureSelector.Choose(Config(configured), isPublishMode: false, probe);

        Assert.Equal(expected, choice.Mode);
        Assert.Contains("MobileX:Infrastructure", choice.Reason);
        Assert.Equal(0, probe.Calls);
    }

    [Theory]
    [InlineData("Kubernetes")]
    [InlineData("2")]
    public void An_unknown_mode_is_refused_with_the_setting_named(string configured)
    {
        var ex = Assert.Throws<InvalidOperationException>(() => InfrastructureSelector.Choose(Config(configured), false, new Probe(null)));

        Assert.Contains("MobileX:Infrastructure", ex.Message);
        Assert.Contains(configured, ex.Message);
        Assert.Contains("'Containers' or 'Local'", ex.Message);
    }

    [Fact]
    public void Without_a_healthy_runtime_the_mode_is_Local_and_the_reason_says_why()
    {
        var choice = InfrastructureSelector.Choose(Config(null), false, new Probe("docker: Cannot connect to the Docker daemon"));

        Assert.Equal(InfrastructureMode.Local, choice.Mode);
        Assert.Contains("Cannot connect to the Docker daemon", choice.Reason);
    }

    [Fact]
    public void With_a_healthy_runtime_the_mode_is_Containers()
    {
        var choice = InfrastructureSelector.Choose(Config(""), false, new Probe(null));

        Assert.Equal(InfrastructureMode.Containers, choice.Mode);
    }

    [Fact]
    public void Publish_mode_describes_containers_without_probing()
    {
        var probe = new Probe("no runtime");

        var choice = InfrastructureSelector.Choose(Config(null), isPublishMode: true, probe);

        Assert.Equal(InfrastructureMode.Containers, choice.Mode);
        Assert.Equal(0, probe.Calls);
    }

    [Fact]
    public void The_real_probe_reports_a_missing_runtime_by_name()
    {
        // A runtime name that cannot exist: the probe must say it is not on PATH rather than hang or throw.
        var problem = new ContainerRuntimeProbe("mobilex-no-such-runtime").Problem();

        Assert.NotNull(problem);
        Assert.Contains("mobilex-no-such-runtime is not on PATH", problem);
    }
}
