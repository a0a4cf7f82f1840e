using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace MobileX.Kubernetes.Tests;

/// <summary>A publish output with the model and secrets it came from.</summary>
public interface IPublishFixture
{
    PublishedOutput Output { get; }
    IReadOnlyList<string> SecretValues { get; }
    DistributedApplicationModel Model { get; }
    DistributedApplicationExecutionContext ExecutionContext { get; }
}

/// <summary>The checks every publish output must pass, whichever model it came from.</summary>
public abstract class PublishedOutputChecks(IPublishFixture fixture)
{
    protected PublishedOutput Output => fixture.Output;

    [Fact]
    public Task EveryDocumentPassesSchemaValidation() => ManifestChecks.SchemaValidatesAsync(Output, TestContext.Current.CancellationToken);

    [Fact]
    public Task KustomizeBuildsThePlainForm() => ManifestChecks.KustomizeBuildsAsync(Output, TestContext.Current.CancellationToken);

    [Fact]
    public void ReferencesResolve() => ManifestChecks.ReferencesResolve(Output);

    [Fact]
    public void ContainersAreHardened() => ManifestChecks.ContainersAreHardened(Output);

    [Fact]
    public void NoSecretValueLeaks() => ManifestChecks.NoSecretLeaks(Output, fixture.SecretValues);

    [Fact]
    public Task ReplicasAndEnvironmentMatchTheModel() =>
        ManifestChecks.MatchesModelAsync(Output, fixture.Model, fixture.ExecutionContext, TestContext.Current.CancellationToken);

    [Fact]
    public void ChartIsComplete() => ManifestChecks.ChartIsComplete(Output);
}
