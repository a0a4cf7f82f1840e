namespace MobileX.Kubernetes.Tests;

/// <summary>The checks themselves fail on the faults they exist for, so a passing publish means something.</summary>
public sealed class ChecksCatchBrokenManifestsTests : IDisposable
{
    private const string Deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: api
        spec:
          selector:
            matchLabels:
              app: api
          template:
            metadata:
              labels:
                app: api
            spec:
              containers:
                - name: api
                  image: registry.example.com/mobilex/api:latest
                  ports:
                    - name: http
                      containerPort: 8080

        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("mobilex-k8s-broken-").FullName;

    [Fact]
    public void An_unknown_field_fails_the_strict_parse()
    {
        Write("api/deployment.yaml", Deployment.Replace("  selector:", "  replica: 2\n  selector:", StringComparison.Ordinal));
        Assert.ThrowsAny<Exception>(() => new PublishedOutput(_directory));
    }

    [Fact]
    public async Task A_missing_required_field_fails_schema_validation()
    {
        Write("api/deployment.yaml", Deployment.Replace("  selector:\n    matchLabels:\n      app: api\n", string.Empty, StringComparison.Ordinal));
        var output = new PublishedOutput(_directory);
        await Assert.ThrowsAnyAsync<Exception>(() => ManifestChecks.SchemaValidatesAsync(output, TestContext.Current.CancellationToken));
    }

    [Fact]
    public void A_service_selecting_no_pods_fails_the_reference_check()
    {
        Write("api/deployment.yaml", Deployment);
        Write("api/service.yaml", """
            apiVersion: v1
            kind: Service
            metadata:
              name: api-service
            spec:
              selector:
                app: apl
              ports:
                - name: http
                  port: 8080
                  targetPort: http

            """);
        var output = new PublishedOutput(_directory);
        Assert.ThrowsAny<Exception>(() => ManifestChecks.ReferencesResolve(output));
    }

    [Fact]
    public void A_probe_on_an_undeclared_port_fails_the_reference_check()
    {
        Write("api/deployment.yaml", Deployment + """
                      readinessProbe:
                        httpGet:
                          path: /health
                          port: metrics

            """);
        var output = new PublishedOutput(_directory);
        Assert.ThrowsAny<Exception>(() => ManifestChecks.ReferencesResolve(output));
    }

    [Fact]
    public void A_secret_value_in_any_file_fails_the_leak_check()
    {
        Write("api/deployment.yaml", Deployment.Replace("name: api\nspec", "name: api\n  annotations:\n    note: s3cr3t-from-a-local-run\nspec", StringComparison.Ordinal));
        var output = new PublishedOutput(_directory);
        Assert.ThrowsAny<Exception>(() => ManifestChecks.NoSecretLeaks(output, ["s3cr3t-from-a-local-run"]));
    }

    [Theory]
    [InlineData("OnFailure", true)]
    [InlineData("Always", false)]
    public void A_job_whose_pod_restarts_for_ever_fails_the_hardening_check(string restartPolicy, bool passes)
    {
        Write("setup/job.yaml", $$"""
            apiVersion: batch/v1
            kind: Job
            metadata:
              name: setup
            spec:
              backoffLimit: 3
              template:
                spec:
                  restartPolicy: {{restartPolicy}}
                  securityContext:
                    runAsNonRoot: true
                  containers:
                    - name: setup
                      image: docker.io/minio/mc:latest
                      resources:
                        requests: { cpu: 100m, memory: 64Mi }
                        limits: { cpu: 500m, memory: 128Mi }
                      securityContext:
                        runAsNonRoot: true
                        allowPrivilegeEscalation: false
                        capabilities: { drop: [ALL] }

            """);
        var output = new PublishedOutput(_directory);
        if (passes)
        {
            ManifestChecks.ContainersAreHardened(output);
        }
        else
        {
            Assert.ThrowsAny<Exception>(() => ManifestChecks.ContainersAreHardened(output));
        }
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private void Write(string relative, string text)
    {
        var path = Path.Combine(_directory, "manifests", relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
