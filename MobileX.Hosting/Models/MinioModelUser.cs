using MobileX.Contracts;
using MobileX.Hosting.Infrastructure;
using MobileX.Hosting.Kubernetes;
using MobileX.Hosting.Minio;

namespace MobileX.Hosting.Models;

/// <summary>
/// The step that gives a model its read-only MinIO user: <c>mc</c> creates the policy and the user and attaches one
/// to the other. It runs to completion before the model starts, and may run again (every start, every Job retry), so
/// each command is idempotent.
/// </summary>
public static class MinioModelUser
{
    /// <summary>The MinIO client image, from the same release line as <see cref="MinioBuilderExtensions.ImageTag"/>.</summary>
    public const string Image = "minio/mc";
    public const string ImageTag = "RELEASE.2025-08-13T08-35-41Z";
    public const string Registry = "docker.io";

    /// <summary>Where a local run finds the MinIO client when a <c>minio</c> binary serves the lake (not Midnight Commander).</summary>
    public const string ClientPathSetting = "MobileX:S3:ClientPath";

    // The script's inputs. Credentials arrive as environment variables, so no secret is written into its text.
    public const string EndpointVariable = "MINIO_ENDPOINT";
    public const string RootUserVariable = "MINIO_ROOT_USER";
    public const string RootPasswordVariable = "MINIO_ROOT_PASSWORD";
    public const string SecretKeyVariable = "MODEL_SECRET_KEY";
    private const string ConfigDirectoryVariable = "MC_CONFIG_DIR";
    private const string Alias = "mobilex";

    /// <summary>The resource name of a model's step: <c>&lt;model&gt;-minio-user</c>.</summary>
    public static string ResourceName(ModelName model) => $"{model}-minio-user";

    /// <summary>
    /// The POSIX shell script of the step. <c>mc admin policy create</c> and <c>user add</c> overwrite what exists;
    /// <c>policy attach</c> fails when the policy is attached already, so the script detaches it first. With no
    /// bucket to read, the user gets no policy at all, which MinIO reads as no access.
    /// </summary>
    /// <param name="mc">The client command: <c>mc</c> in the image, a full path in a local run.</param>
    /// <param name="workDirectory">A writable folder for the policy file (the image's root filesystem is read-only in the cluster).</param>
    public static string Script(ModelName model, IEnumerable<FrameStage> stages, string mc, string workDirectory)
    {
        ArgumentNullException.ThrowIfNull(stages);
        var consumed = stages.ToList();
        var user = ModelPermissions.S3User(model);
        var policyName = ModelPermissions.S3PolicyName(model);
        var policy = ModelPermissions.S3ReadPolicy(consumed);
        var policyFile = Quote($"{workDirectory.TrimEnd('/')}/{policyName}.json");
        var client = Quote(mc);

        var lines = new List<string>
        {
            "set -eu",
            $"{client} alias set {Alias} \"${EndpointVariable}\" \"${RootUserVariable}\" \"${RootPasswordVariable}\"",
        };
        if (policy is not null)
        {
            lines.Add($"printf '%s' {Quote(policy)} > {policyFile}");
            lines.Add($"{client} admin policy create {Alias} {policyName} {policyFile}");
        }

        lines.Add($"{client} admin user add {Alias} {user} \"${SecretKeyVariable}\"");
        lines.Add($"{client} admin policy detach {Alias} {policyName} --user {user} >/dev/null 2>&1 || true");
        if (policy is not null)
        {
            lines.Add($"{client} admin policy attach {Alias} {policyName} --user {user}");
            lines.Add($"echo 'MinIO user {user} may read {string.Join(", ", ModelPermissions.S3Buckets(consumed))}'");
        }
        else
        {
            lines.Add($"echo 'MinIO user {user} may read nothing: the model consumes no frame stage'");
        }

        // "\n" whatever the AppHost's platform: the script runs in a Linux shell.
        return string.Join('\n', lines) + "\n";
    }

    /// <summary>
    /// Adds the step for <paramref name="model"/> against <paramref name="minio"/>: the minio/mc image (a Job in the
    /// Kubernetes output) beside a MinIO container, or the local MinIO client beside a local <c>minio</c>.
    /// </summary>
    internal static IResourceBuilder<IResource> Add(
        IDistributedApplicationBuilder builder, ModelName model, IResourceBuilder<IMinioResource> minio, ParameterResource secretKey, Func<IReadOnlyList<FrameStage>> stages)
    {
        var name = ResourceName(model);
        var endpoint = ReferenceExpression.Create($"http://{minio.Resource.PrimaryEndpoint.Property(EndpointProperty.HostAndPort)}");
        if (minio.Resource.Kind == S3ServerKind.MinioContainer)
        {
            return builder.AddContainer(name, Image, ImageTag)
                .WithImageRegistry(Registry)
                .WithEntrypoint("/bin/sh")
                .WithArgs(context =>
                {
                    context.Args.Add("-c");
                    context.Args.Add(Script(model, stages(), "mc", "/tmp"));
                })
                .WithEnvironment(ConfigDirectoryVariable, "/tmp/.mc")
                .WithStepEnvironment(endpoint, minio.Resource, secretKey)
                .WaitFor(minio)
                // In the cluster: a Job that retries until MinIO answers, writing only to its /tmp emptyDir.
                .AsKubernetesJob(backoffLimit: 10)
                .ConfigureKubernetes(w => w.ReadOnlyRootFilesystem = true);
        }

        var client = LocalTools.FindOnPath("mcli") is { } mcli && builder.Configuration[ClientPathSetting] is not { Length: > 0 }
            ? mcli
            : LocalTools.Require("mc", builder.Configuration[ClientPathSetting], ClientPathSetting,
                "A local 'minio' serves the lake, so the model's read-only user is created with the MinIO client: put it on " +
                $"PATH as 'mcli' or 'mc', or set {ClientPathSetting} to it, or set MobileX:S3:Server=s3rver.");
        var work = builder.GetInfrastructure().DataDirectory(name);
        var shell = LocalTools.Require("sh", null, "sh", "Install a POSIX shell (/bin/sh).");
        return builder.AddExecutable(name, shell, work)
            .WithArgs(context =>
            {
                context.Args.Add("-c");
                context.Args.Add(Script(model, stages(), client, work));
            })
            .WithEnvironment(ConfigDirectoryVariable, Path.Combine(work, ".mc"))
            .WithStepEnvironment(endpoint, minio.Resource, secretKey)
            .WaitFor(minio);
    }

    private static IResourceBuilder<T> WithStepEnvironment<T>(this IResourceBuilder<T> step, ReferenceExpression endpoint, IMinioResource minio, ParameterResource secretKey)
        where T : IResourceWithEnvironment =>
        step.WithEnvironment(EndpointVariable, endpoint)
            .WithEnvironment(RootUserVariable, minio.RootUser)
            .WithEnvironment(RootPasswordVariable, minio.PasswordParameter)
            .WithEnvironment(SecretKeyVariable, secretKey);

    /// <summary>The text as one shell word: as it is when it holds nothing the shell would read, else single-quoted.</summary>
    private static string Quote(string text) => text.Length > 0 && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '_' or '-')
        ? text
        : "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
