using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MobileX.Hosting.Infrastructure;

/// <summary>The infrastructure decision for one AppHost, made once and shared by the NATS and MinIO integrations.</summary>
public sealed class MobileXInfrastructure(InfrastructureChoice choice, string stateDirectory, string repositoryRoot)
{
    public InfrastructureMode Mode => Choice.Mode;
    public InfrastructureChoice Choice { get; } = choice;

    /// <summary>Where Local mode keeps server data (<c>MobileX:StateDirectory</c>, default <c>MobileX.AppHost/.state</c>).</summary>
    public string StateDirectory { get; } = stateDirectory;

    /// <summary>The repository root, where set-up installs tools such as s3rver.</summary>
    public string RepositoryRoot { get; } = repositoryRoot;

    public string DataDirectory(string resourceName)
    {
        var dir = Path.Combine(StateDirectory, resourceName);
        Directory.CreateDirectory(dir);
        return dir;
    }
}

/// <summary>A dashboard-only resource whose state is the infrastructure mode and whose properties give the reason.</summary>
public sealed class InfrastructureResource(string name) : Resource(name);

public static class InfrastructureBuilderExtensions
{
    private static readonly ConditionalWeakTable<IDistributedApplicationBuilder, MobileXInfrastructure> Decisions = new();

    /// <summary>The infrastructure mode for this AppHost; chosen, logged and put on the dashboard on first use.</summary>
    public static MobileXInfrastructure GetInfrastructure(this IDistributedApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return Decisions.GetValue(builder, Decide);
    }

    private static MobileXInfrastructure Decide(IDistributedApplicationBuilder builder)
    {
        var runtime = builder.Configuration["ASPIRE_CONTAINER_RUNTIME"] ?? builder.Configuration["DOTNET_ASPIRE_CONTAINER_RUNTIME"];
        var choice = InfrastructureSelector.Choose(builder.Configuration, builder.ExecutionContext.IsPublishMode, new ContainerRuntimeProbe(runtime));

        var stateDirectory = builder.Configuration["MobileX:StateDirectory"] is { Length: > 0 } configured
            ? Path.GetFullPath(configured)
            : Path.Combine(builder.AppHostDirectory, ".state");
        var infrastructure = new MobileXInfrastructure(choice, stateDirectory, Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..")));

        if (builder.ExecutionContext.IsRunMode)
        {
            builder.AddResource(new InfrastructureResource("infrastructure"))
                .WithInitialState(new CustomResourceSnapshot
                {
                    ResourceType = "Infrastructure",
                    State = new ResourceStateSnapshot(choice.Mode.ToString(), KnownResourceStateStyles.Info),
                    Properties =
                    [
                        new("mobilex.infrastructure.mode", choice.Mode.ToString()),
                        new("mobilex.infrastructure.reason", choice.Reason),
                        new("mobilex.infrastructure.state-directory", stateDirectory),
                    ],
                })
                .ExcludeFromManifest();

            builder.Eventing.Subscribe<BeforeStartEvent>((e, _) =>
            {
                var logger = e.Services.GetRequiredService<ILoggerFactory>().CreateLogger(HostingLog.Category);
                HostingLog.ModeChosen(logger, choice.Mode, choice.Reason);
                return Task.CompletedTask;
            });
        }

        return infrastructure;
    }
}
