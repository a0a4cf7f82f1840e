using System.Globalization;
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

    internal IResourceBuilder<IMinioResource>? Minio { get; set; }

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

        // Read-only in the lake: its own MinIO user (root key on s3rver, which enforces nothing).
        annotation.Minio = minio;
        return project.WithS3Identity(minio, ModelPermissions.S3Access(model, annotation.Stages));
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
        if (annotation.Minio is { Resource.Kind: not S3ServerKind.S3rver } minio)
        {
            // The same user and secret, now with the new stages' buckets in its policy.
            MinioProvisioning.Grant(minio, ModelPermissions.S3Access(annotation.Name, annotation.Stages));
        }

        return model;
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
