using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MobileX.Contracts;
using MobileX.Hosting.Minio;
using MobileX.Hosting.Nats;
using MobileX.Hosting.Services;

namespace MobileX.Hosting.Models;

/// <summary>What <see cref="ModelBuilderExtensions.AddModel"/> gave a model, read again by <see cref="ModelBuilderExtensions.ConsumesFrames"/>.</summary>
public sealed class ModelAnnotation(ModelName name, IResourceBuilder<INatsServerResource> nats, ParameterResource natsPassword) : IResourceAnnotation
{
    private readonly List<FrameStage> _stages = [];

    public ModelName Name { get; } = name;

    /// <summary>The frame stages the model consumes, each once, in pipeline order.</summary>
    public IReadOnlyList<FrameStage> Stages => _stages;

    internal IResourceBuilder<INatsServerResource> Nats { get; } = nats;

    internal ParameterResource NatsPassword { get; } = natsPassword;

    internal void Consume(IEnumerable<FrameStage> stages)
    {
        var all = ModelPermissions.Stages(_stages.Concat(stages)).ToList();
        _stages.Clear();
        _stages.AddRange(all);
    }
}

/// <summary>Adding a model that reuses the pipeline is one declaration in the AppHost.</summary>
public static class ModelBuilderExtensions
{
    /// <summary>
    /// Adds a model project named <paramref name="name"/> (<see cref="ModelName"/>) with identities of its own: NATS
    /// user <c>model-&lt;name&gt;</c>, limited to its consumer, checkpoint, inbox and <c>mobilex.models.&lt;name&gt;.&gt;</c>,
    /// and read-only S3 access (a MinIO user <c>model-&lt;name&gt;</c>; s3rver enforces no policy, so there the root
    /// key). It waits for the model's NATS and S3 servers and is healthy on <c>/health</c>. Say which frames it reads
    /// with <see cref="ConsumesFrames"/>.
    /// </summary>
    /// <exception cref="DistributedApplicationException">The name is not a model name, or the model has no single NATS or S3 server to use.</exception>
    public static IResourceBuilder<ProjectResource> AddModel<TProject>(this IDistributedApplicationBuilder builder, [ResourceName] string name)
        where TProject : IProjectMetadata, new()
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (!ModelName.TryParse(name, out var model))
        {
            throw new DistributedApplicationException(
                $"AddModel(\"{name}\"): '{name}' is not a model name. Use 2 to 32 lower-case letters, digits and dashes, starting with a letter; it names the model's NATS user, subjects, consumer and checkpoint.");
        }

        var nats = builder.CreateResourceBuilder(Single<INatsServerResource>(builder, model, "a NATS server", "builder.AddNats(\"nats\")"));
        var minio = builder.CreateResourceBuilder(Single<IMinioResource>(builder, model, "an S3 server", "builder.AddMinio(\"minio\")"));

        var natsPassword = ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{nats.Resource.Name}-model-{model}-password", special: false);
        var annotation = new ModelAnnotation(model, nats, natsPassword);
        nats.WithNatsUser(ModelPermissions.NatsUser(model, annotation.Stages), natsPassword);

        var project = builder.AddService<TProject>(name)
            .WithAnnotation(annotation)
            .WaitFor(nats)
            .WaitFor(minio)
            .WithHttpHealthCheck("/health")
            // Not WithReference(nats): that would hand the model the admin's connection string and password.
            .WithEnvironment("ConnectionStrings__nats", NatsAuthorizationExtensions.ConnectionString(nats.Resource, model.NatsUser, natsPassword))
            .WithEnvironment("Feeds__Model", model.ToString())
            .WithEnvironment(context =>
            {
                for (var i = 0; i < annotation.Stages.Count; i++)
                {
                    context.EnvironmentVariables[$"Feeds__Stages__{i.ToString(CultureInfo.InvariantCulture)}"] = annotation.Stages[i].Token();
                }
            });

        return minio.Resource.Kind == S3ServerKind.S3rver
            ? project.WithRootS3Access(minio, model)
            : project.WithReadOnlyS3User(minio, model, annotation);
    }

    /// <summary>
    /// The frame stages the model reads (more than one call adds to them): its NATS user may subscribe to
    /// <c>mobilex.stations.*.frames.&lt;stage&gt;</c>, its S3 user may read the stages' buckets, and it is told them
    /// as <c>Feeds__Stages__0</c>, <c>Feeds__Stages__1</c>, ….
    /// </summary>
    /// <exception cref="DistributedApplicationException">The project was not added with <see cref="AddModel"/>.</exception>
    public static IResourceBuilder<ProjectResource> ConsumesFrames(this IResourceBuilder<ProjectResource> model, params FrameStage[] stages)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(stages);
        if (stages.Length == 0)
        {
            throw new ArgumentException($"ConsumesFrames on '{model.Resource.Name}' needs at least one frame stage.", nameof(stages));
        }

        foreach (var stage in stages)
        {
            if (!Enum.IsDefined(stage))
            {
                throw new ArgumentOutOfRangeException(nameof(stages), stage, $"ConsumesFrames on '{model.Resource.Name}': not a frame stage.");
            }
        }

        if (!model.Resource.TryGetLastAnnotation<ModelAnnotation>(out var annotation))
        {
            throw new DistributedApplicationException(
                $"ConsumesFrames applies to a model: '{model.Resource.Name}' was not added with AddModel, so it has no identity of its own to give the frames to.");
        }

        annotation.Consume(stages);
        // Replaces the user: the authorization file is rewritten with the new subscribe permissions.
        annotation.Nats.WithNatsUser(ModelPermissions.NatsUser(annotation.Name, annotation.Stages), annotation.NatsPassword);
        return model;
    }

    /// <summary>s3rver accepts only its one root key and enforces no policy: the model gets that key, and the log says so once.</summary>
    private static IResourceBuilder<ProjectResource> WithRootS3Access(this IResourceBuilder<ProjectResource> project, IResourceBuilder<IMinioResource> minio, ModelName model)
    {
        var builder = project.ApplicationBuilder;
        if (builder.ExecutionContext.IsRunMode)
        {
            builder.Eventing.Subscribe<BeforeStartEvent>((e, _) =>
            {
                var logger = e.Services.GetRequiredService<ILoggerFactory>().CreateLogger(HostingLog.Category);
                HostingLog.ModelReadsWithRootKey(logger, model.ToString(), ModelPermissions.S3User(model));
                return Task.CompletedTask;
            });
        }

        return project.WithEnvironment("ConnectionStrings__minio", minio.Resource.ConnectionStringExpression);
    }

    /// <summary>A MinIO user of the model's own, created (with its read-only policy) by a step the model waits for.</summary>
    private static IResourceBuilder<ProjectResource> WithReadOnlyS3User(
        this IResourceBuilder<ProjectResource> project, IResourceBuilder<IMinioResource> minio, ModelName model, ModelAnnotation annotation)
    {
        var builder = project.ApplicationBuilder;
        var secretKey = ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{minio.Resource.Name}-model-{model}-password", special: false);
        var step = MinioModelUser.Add(builder, model, minio, secretKey, () => annotation.Stages);
        return project
            .WithEnvironment("ConnectionStrings__minio", ReferenceExpression.Create(
                $"Endpoint=http://{minio.Resource.PrimaryEndpoint.Property(EndpointProperty.HostAndPort)};AccessKey={ModelPermissions.S3User(model)};SecretKey={secretKey}"))
            .WaitForCompletion(step);
    }

    private static T Single<T>(IDistributedApplicationBuilder builder, ModelName model, string what, string howToAdd) where T : IResource
    {
        var found = builder.Resources.OfType<T>().ToList();
        return found.Count switch
        {
            1 => found[0],
            0 => throw new DistributedApplicationException(
                $"AddModel(\"{model}\") needs {what}, and the app model has none: add one ({howToAdd}) before the model."),
            _ => throw new DistributedApplicationException(
                $"AddModel(\"{model}\") needs exactly one {what[(what.IndexOf(' ') + 1)..]}, and the app model has {found.Count} ({string.Join(", ", found.Select(r => r.Name))})."),
        };
    }
}
