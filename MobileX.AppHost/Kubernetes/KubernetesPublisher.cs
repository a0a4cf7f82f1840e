using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using static MobileX.AppHost.Kubernetes.KubernetesObjects;

namespace MobileX.AppHost.Kubernetes;

/// <summary>
/// Writes the app model as a Helm chart (<c>chart/</c>) and as plain manifests with a kustomization
/// (<c>manifests/</c>). Both come from one set of <see cref="YNode"/> trees, so the plain form is the chart
/// rendered with its default values.
/// </summary>
public sealed class KubernetesPublisher(KubernetesEnvironmentResource environment, DistributedApplicationExecutionContext executionContext, ILogger logger)
{
    public const string ChartDirectory = "chart";
    public const string ManifestsDirectory = "manifests";

    private readonly ValuesBuilder _values = new();
    private readonly List<ManifestFile> _files = [];
    private readonly HashSet<ParameterResource> _secrets = [];
    private string Chart => environment.ChartName;

    public async Task WriteAsync(DistributedApplicationModel model, string outputDirectory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(outputDirectory);

        var topology = new KubernetesTopology(model);
        var workloads = topology.Workloads.ToList();
        _values.Set("images.registry", environment.ImageRegistry);
        _values.Set("images.tag", environment.ImageTag);
        _values.Set("images.pullPolicy", "IfNotPresent");

        var referencedByGateway = new HashSet<IResource>();
        foreach (var workload in workloads)
        {
            var translator = new ClusterValueTranslator(topology);
            var environmentValues = await EvaluateEnvironmentAsync(workload, translator, cancellationToken).ConfigureAwait(false);
            var args = await EvaluateArgsAsync(workload, translator, cancellationToken).ConfigureAwait(false);
            var usesNats = translator.ReferencedResources.Any(KubernetesTopology.IsNats);
            if (IsGateway(workload))
            {
                referencedByGateway.UnionWith(translator.ReferencedResources);
            }

            AddWorkload(workload, environmentValues, args, usesNats);
            KubernetesLog.WorkloadWritten(logger, workload.Resource.Name, workload.Kind, workload.Replicas);
        }

        foreach (var workload in workloads)
        {
            if (workload.Kind == WorkloadKind.Project && referencedByGateway.Contains(workload.Resource))
            {
                AddHeadlessService(workload);
            }

            AddAutoscaling(workload);
        }

        AddSecrets();
        await WriteFilesAsync(outputDirectory, cancellationToken).ConfigureAwait(false);
        KubernetesLog.Published(logger, workloads.Count, _files.Count, outputDirectory);
    }

    private static bool IsGateway(Workload workload) => workload.Name == "gateway";

    /// <summary>api (or its replicas api-1, api-2 …) and preprocessor scale on CPU, as the design card's autoscaler does.</summary>
    public static bool IsAutoscaled(string name) => name is "api" or "preprocessor" || name.StartsWith("api-", StringComparison.Ordinal);

    private async Task<List<KeyValuePair<string, ClusterValue>>> EvaluateEnvironmentAsync(Workload workload, ClusterValueTranslator translator, CancellationToken cancellationToken)
    {
        var raw = new Dictionary<string, object>();
        if (workload.Resource.TryGetAnnotationsOfType<EnvironmentCallbackAnnotation>(out var callbacks))
        {
            var context = new EnvironmentCallbackContext(executionContext, workload.Resource, raw, cancellationToken);
            foreach (var callback in callbacks)
            {
                await callback.Callback(context).ConfigureAwait(false);
            }
        }

        var result = new List<KeyValuePair<string, ClusterValue>>();
        foreach (var (name, value) in raw)
        {
            if (await translator.TranslateAsync(value, cancellationToken).ConfigureAwait(false) is { } translated)
            {
                result.Add(new(name, translated));
            }
            else
            {
                KubernetesLog.EnvironmentSkipped(logger, workload.Resource.Name, name);
            }
        }

        return result;
    }

    private async Task<List<ClusterValue>> EvaluateArgsAsync(Workload workload, ClusterValueTranslator translator, CancellationToken cancellationToken)
    {
        var raw = new List<object>();
        if (workload.Resource.TryGetAnnotationsOfType<CommandLineArgsCallbackAnnotation>(out var callbacks))
        {
            var context = new CommandLineArgsCallbackContext(raw, workload.Resource, cancellationToken) { ExecutionContext = executionContext };
            foreach (var callback in callbacks)
            {
                await callback.Callback(context).ConfigureAwait(false);
            }
        }

        var result = new List<ClusterValue>();
        foreach (var arg in raw)
        {
            result.Add(await translator.TranslateAsync(arg, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"An argument of '{workload.Resource.Name}' refers to an endpoint the cluster does not serve."));
        }

        return result;
    }

    private void AddWorkload(Workload workload, List<KeyValuePair<string, ClusterValue>> environmentValues, List<ClusterValue> args, bool usesNats)
    {
        var name = workload.Name;
        var key = workload.ValuesKey;

        // Plain values go to the ConfigMap; values holding a secret are spliced together in the pod from Secret refs.
        var config = new YMap();
        var env = new YList();
        var secretVariables = new YList();
        if (workload.Kind == WorkloadKind.Project)
        {
            environmentValues.RemoveAll(e => e.Key == "HTTP_PORTS");
            var ports = new ClusterValue();
            ports.Add(new ClusterValue.Literal(string.Join(';', workload.Ports.Select(p => p.Port.ToString(CultureInfo.InvariantCulture)))));
            environmentValues.Add(new("HTTP_PORTS", ports));
        }

        if (usesNats && environmentValues.All(e => e.Key != "Streams__Replicas"))
        {
            config.Add("Streams__Replicas", new YTemplate(
                "{{ if .Values.nats.cluster.enabled }}{{ .Values.nats.cluster.replicas | quote }}{{ else }}\"1\"{{ end }}",
                new YScalar("1")));
        }

        foreach (var (variable, value) in environmentValues)
        {
            AddParts(value, secretVariables);

            if (value.HasSecrets)
            {
                env.Add(new YMap().Add("name", variable).Add("value", value.ToNode()));
            }
            else if (value.HasParameters)
            {
                config.Add(variable, value.ToNode());
            }
            else
            {
                var text = ((YScalar)value.ToNode()).Value!.ToString()!;
                _values.SetEntry($"config.{key}", variable, text);
                config.Add(variable, new YTemplate($"{{{{ index .Values.config \"{key}\" \"{variable}\" | quote }}}}", new YScalar(text)));
            }
        }

        foreach (var arg in args)
        {
            AddParts(arg, secretVariables);
        }

        if (workload.Kind == WorkloadKind.Project && environmentValues.All(e => e.Key != "OTEL_EXPORTER_OTLP_ENDPOINT"))
        {
            // A local run exports to the dashboard; in the cluster the operator names a collector, or none.
            config.AddIf(".Values.telemetry.otlpEndpoint", false, new YMap()
                .Add("OTEL_EXPORTER_OTLP_ENDPOINT", _values.Scalar("telemetry.otlpEndpoint", string.Empty, quote: true)));
        }

        if (config.Entries.Count > 0)
        {
            _files.Add(new ManifestFile(name, "config.yaml",
            [
                Document("v1", "ConfigMap", Metadata(KubernetesNames.Config(workload.Resource.Name), Chart, name)).Add("data", config),
            ]));
        }

        var container = new YMap()
            .Add("name", name)
            .Add("image", Image(workload))
            .Add("imagePullPolicy", _values.Scalar("images.pullPolicy", "IfNotPresent"));

        var nats = KubernetesTopology.IsNats(workload.Resource);
        var argList = new YList(args.Select(a => a.ToNode()).ToList());
        if (nats)
        {
            argList.Add(NatsClusterArgs(name));
        }

        if (argList.Items.Count > 0)
        {
            container.Add("args", argList);
        }

        var portList = new YList(workload.Ports.Select(p => (YNode)new YMap().Add("name", p.Name).Add("containerPort", p.Port).Add("protocol", "TCP")).ToList());
        if (nats)
        {
            portList.Add(new YIf(".Values.nats.cluster.enabled", false,
                new YList().Add(new YMap().Add("name", "cluster").Add("containerPort", NatsClusterPort).Add("protocol", "TCP"))));
        }

        if (portList.Items.Count > 0)
        {
            container.Add("ports", portList);
        }

        if (config.Entries.Count > 0)
        {
            container.Add("envFrom", new YList().Add(new YMap().Add("configMapRef", new YMap().Add("name", KubernetesNames.Config(workload.Resource.Name)))));
        }

        var allEnv = new YList([.. secretVariables.Items, .. env.Items]);
        if (nats)
        {
            // The cluster option names each server after its pod, as JetStream clustering requires unique names.
            allEnv.Items.Insert(0, new YMap().Add("name", "POD_NAME")
                .Add("valueFrom", new YMap().Add("fieldRef", new YMap().Add("fieldPath", "metadata.name"))));
        }

        if (allEnv.Items.Count > 0)
        {
            container.Add("env", allEnv);
        }

        container.Add("resources", _values.Block($"resources.{key}", DefaultResources(workload)));
        AddProbes(container, workload);

        var readOnlyRoot = workload.Kind == WorkloadKind.Project || nats;
        container.Add("securityContext", new YMap()
            .Add("allowPrivilegeEscalation", false)
            .Add("readOnlyRootFilesystem", readOnlyRoot)
            .Add("runAsNonRoot", true)
            .Add("capabilities", new YMap().Add("drop", new YList().Add("ALL"))));

        var mounts = new YList().Add(new YMap().Add("name", "tmp").Add("mountPath", "/tmp"));
        var claims = new YList();
        var volumes = new YList().Add(new YMap().Add("name", "tmp").Add("emptyDir", new YMap()));
        if (workload.Resource.TryGetAnnotationsOfType<ContainerMountAnnotation>(out var containerMounts))
        {
            AddFileMounts(workload, name, containerMounts, mounts, volumes);
            foreach (var mount in containerMounts.Where(m => m.Type == ContainerMountType.Volume))
            {
                var volumeName = "data-" + claims.Items.Count.ToString(CultureInfo.InvariantCulture);
                mounts.Add(new YMap().Add("name", volumeName).Add("mountPath", mount.Target).Add("readOnly", mount.IsReadOnly));
                claims.Add(new YMap()
                    .Add("metadata", new YMap().Add("name", volumeName))
                    .Add("spec", new YMap()
                        .Add("accessModes", new YList().Add("ReadWriteOnce"))
                        .Add("resources", new YMap().Add("requests", new YMap()
                            .Add("storage", _values.Scalar($"persistence.{key}.size", workload.Kind == WorkloadKind.StatefulContainer && KubernetesTopology.IsObjectStore(workload.Resource) ? "20Gi" : "8Gi", quote: true))))));
            }
        }

        container.Add("volumeMounts", mounts);

        var uid = workload.Kind == WorkloadKind.Project ? ProjectUserId : ContainerUserId;
        var podSpec = new YMap()
            .Add("automountServiceAccountToken", false)
            .Add("securityContext", new YMap()
                .Add("runAsNonRoot", true)
                .Add("runAsUser", uid)
                .Add("runAsGroup", uid)
                .Add("fsGroup", uid)
                .Add("seccompProfile", new YMap().Add("type", "RuntimeDefault")))
            .Add("containers", new YList().Add(container))
            .Add("volumes", volumes);

        var template = new YMap()
            .Add("metadata", new YMap().Add("labels", Labels(Chart, name)))
            .Add("spec", podSpec);

        if (workload.Kind == WorkloadKind.StatefulContainer)
        {
            var replicas = nats
                ? new YTemplate("{{ if .Values.nats.cluster.enabled }}{{ .Values.nats.cluster.replicas }}{{ else }}1{{ end }}", new YScalar(1))
                : (YNode)_values.Scalar($"replicas.{key}", workload.Replicas);
            if (nats)
            {
                _values.Set("nats.cluster.enabled", false);
                _values.Set("nats.cluster.replicas", 3);
            }

            var spec = new YMap()
                .Add("serviceName", KubernetesNames.HeadlessService(workload.Resource.Name))
                .Add("replicas", replicas)
                .Add("podManagementPolicy", "Parallel")
                .Add("selector", new YMap().Add("matchLabels", Selector(Chart, name)))
                .Add("template", template);
            if (claims.Items.Count > 0)
            {
                spec.Add("volumeClaimTemplates", claims);
            }

            _files.Add(new ManifestFile(name, "statefulset.yaml", [Document("apps/v1", "StatefulSet", Metadata(name, Chart, name)).Add("spec", spec)]));
            AddHeadlessService(workload);
        }
        else
        {
            var spec = new YMap()
                .Add("replicas", _values.Scalar($"replicas.{key}", workload.Replicas))
                .Add("selector", new YMap().Add("matchLabels", Selector(Chart, name)))
                .Add("strategy", new YMap().Add("type", "RollingUpdate").Add("rollingUpdate", new YMap().Add("maxSurge", 1).Add("maxUnavailable", 1)))
                .Add("template", template);
            _files.Add(new ManifestFile(name, "deployment.yaml", [Document("apps/v1", "Deployment", Metadata(name, Chart, name)).Add("spec", spec)]));
        }

        if (workload.Ports.Count > 0)
        {
            var service = new YMap()
                .Add("type", "ClusterIP")
                .Add("selector", Selector(Chart, name))
                .Add("ports", ServicePorts(workload));
            _files.Add(new ManifestFile(name, "service.yaml", [Document("v1", "Service", Metadata(KubernetesNames.Service(workload.Resource.Name), Chart, name)).Add("spec", service)]));
        }

        if (IsGateway(workload) && workload.Ports.Count > 0)
        {
            AddIngress(workload);
        }
    }

    /// <summary>
    /// A file the AppHost bind-mounts into a container (the NATS authorization config) travels as a ConfigMap mounted at
    /// the same path. Such files hold no secrets by construction: credentials reach the server as environment variables.
    /// </summary>
    private void AddFileMounts(Workload workload, string name, IEnumerable<ContainerMountAnnotation> containerMounts, YList mounts, YList volumes)
    {
        var data = new YMap();
        foreach (var mount in containerMounts.Where(m => m.Type == ContainerMountType.BindMount))
        {
            if (mount.Source is not { } source || !File.Exists(source))
            {
                throw new DistributedApplicationException(
                    $"Kubernetes: {workload.Resource.Name} bind-mounts '{mount.Source}' at {mount.Target}; only single files can be published (as a ConfigMap).");
            }

            var fileKey = Path.GetFileName(mount.Target);
            data.Add(fileKey, File.ReadAllText(source));
            mounts.Add(new YMap().Add("name", "files").Add("mountPath", mount.Target).Add("subPath", fileKey).Add("readOnly", true));
        }

        if (data.Entries.Count == 0)
        {
            return;
        }

        var configMap = KubernetesNames.Config(workload.Resource.Name) + "-files";
        _files.Add(new ManifestFile(name, "files.yaml", [Document("v1", "ConfigMap", Metadata(configMap, Chart, name)).Add("data", data)]));
        volumes.Add(new YMap().Add("name", "files").Add("configMap", new YMap().Add("name", configMap)));
    }

    private const int ProjectUserId = 1654; // the "app" user of the .NET chiseled and Debian base images
    private const int ContainerUserId = 1000;
    private const int NatsClusterPort = 6222;

    private YNode Image(Workload workload)
    {
        var key = workload.ValuesKey;
        if (workload.Kind == WorkloadKind.Project)
        {
            var repository = ContainerPublishing.Repository((ProjectResource)workload.Resource);
            _values.Set($"images.{key}.repository", repository);
            return new YTemplate(
                $"\"{{{{ .Values.images.registry }}}}/{{{{ .Values.images.{key}.repository }}}}:{{{{ .Values.images.tag }}}}\"",
                new YScalar($"{environment.ImageRegistry}/{repository}:{environment.ImageTag}"));
        }

        var image = workload.Resource.Annotations.OfType<ContainerImageAnnotation>().Last();
        var registry = image.Registry ?? "docker.io";
        var tag = image.Tag ?? "latest";
        _values.Set($"images.{key}.registry", registry);
        _values.Set($"images.{key}.repository", image.Image);
        _values.Set($"images.{key}.tag", tag);
        return new YTemplate(
            $"\"{{{{ .Values.images.{key}.registry }}}}/{{{{ .Values.images.{key}.repository }}}}:{{{{ .Values.images.{key}.tag }}}}\"",
            new YScalar($"{registry}/{image.Image}:{tag}"));
    }

    private static YList ServicePorts(Workload workload) =>
        new(workload.Ports.Select(p => (YNode)new YMap()
            .Add("name", p.Name)
            .Add("port", p.Port)
            .Add("targetPort", p.Name)
            .Add("protocol", "TCP")).ToList());

    /// <summary>
    /// A headless Service lists every pod's address in DNS: StatefulSets need one, and the gateway uses it to
    /// round-robin over each replica instead of through one virtual IP.
    /// </summary>
    private void AddHeadlessService(Workload workload)
    {
        var ports = ServicePorts(workload);
        if (KubernetesTopology.IsNats(workload.Resource))
        {
            ports.Add(new YMap().Add("name", "cluster").Add("port", NatsClusterPort).Add("targetPort", NatsClusterPort).Add("protocol", "TCP"));
        }

        var spec = new YMap()
            .Add("clusterIP", "None")
            .Add("publishNotReadyAddresses", KubernetesTopology.IsNats(workload.Resource))
            .Add("selector", Selector(Chart, workload.Name))
            .Add("ports", ports);
        _files.Add(new ManifestFile(workload.Name, "headless-service.yaml",
            [Document("v1", "Service", Metadata(KubernetesNames.HeadlessService(workload.Resource.Name), Chart, workload.Name)).Add("spec", spec)]));
    }

    private void AddIngress(Workload workload)
    {
        var port = workload.Ports[0];
        _values.Set("ingress.enabled", true);
        var path = new YMap()
            .Add("path", "/")
            .Add("pathType", "Prefix")
            .Add("backend", new YMap().Add("service", new YMap()
                .Add("name", KubernetesNames.Service(workload.Resource.Name))
                .Add("port", new YMap().Add("name", port.Name))));
        var spec = new YMap()
            .AddIf(".Values.ingress.className", false, new YMap().Add("ingressClassName", _values.Scalar("ingress.className", string.Empty, quote: true)))
            .Add("rules", new YList().Add(new YMap()
                .Add("host", _values.Scalar("ingress.host", environment.IngressHost, quote: true))
                .Add("http", new YMap().Add("paths", new YList().Add(path)))));
        _files.Add(new ManifestFile(workload.Name, "ingress.yaml",
            [Document("networking.k8s.io/v1", "Ingress", Metadata(workload.Name, Chart, workload.Name)).Add("spec", spec)],
            HelmCondition: ".Values.ingress.enabled"));
    }

    private void AddAutoscaling(Workload workload)
    {
        if (workload.Kind != WorkloadKind.Project || !IsAutoscaled(workload.Name))
        {
            return;
        }

        var key = workload.ValuesKey;
        var isPreprocessor = workload.Name == "preprocessor";
        _values.Set($"autoscaling.{key}.enabled", true);
        var spec = new YMap()
            .Add("scaleTargetRef", new YMap().Add("apiVersion", "apps/v1").Add("kind", "Deployment").Add("name", workload.Name))
            .Add("minReplicas", _values.Scalar($"autoscaling.{key}.minReplicas", workload.Replicas))
            .Add("maxReplicas", _values.Scalar($"autoscaling.{key}.maxReplicas", Math.Max(workload.Replicas * 3, 3)))
            .Add("metrics", new YList().Add(new YMap()
                .Add("type", "Resource")
                .Add("resource", new YMap()
                    .Add("name", "cpu")
                    .Add("target", new YMap()
                        .Add("type", "Utilization")
                        .Add("averageUtilization", _values.Scalar($"autoscaling.{key}.targetCPUUtilizationPercentage", 70))))));

        // KEDA creates its own HorizontalPodAutoscaler; two on one Deployment would fight.
        var condition = isPreprocessor
            ? $"and .Values.autoscaling.{key}.enabled (not .Values.keda.enabled)"
            : $".Values.autoscaling.{key}.enabled";
        _files.Add(new ManifestFile(workload.Name, "hpa.yaml",
            [Document("autoscaling/v2", "HorizontalPodAutoscaler", Metadata(workload.Name, Chart, workload.Name)).Add("spec", spec)],
            HelmCondition: condition));

        if (isPreprocessor)
        {
            AddKedaScaledObject(workload);
        }
    }

    /// <summary>Optional: scales the preprocessor on its JetStream consumer's pending messages (KEDA nats-jetstream scaler).</summary>
    private void AddKedaScaledObject(Workload workload)
    {
        var key = workload.ValuesKey;
        _values.Set("keda.enabled", false);
        var natsService = KubernetesNames.Service("nats");
        var metadata = new YMap()
            .Add("natsServerMonitoringEndpoint", new YTemplate($"\"{natsService}.{{{{ .Release.Namespace }}}}.svc.cluster.local:8222\"", new YScalar($"{natsService}:8222")))
            .Add("account", "$G")
            .Add("stream", _values.Scalar($"keda.{key}.stream", Contracts.Streams.Frames, quote: true))
            .Add("consumer", _values.Scalar($"keda.{key}.consumer", workload.Name, quote: true))
            .Add("lagThreshold", _values.Scalar($"keda.{key}.lagThreshold", "50", quote: true))
            .Add("useHttps", "false");
        var spec = new YMap()
            .Add("scaleTargetRef", new YMap().Add("name", workload.Name))
            .Add("minReplicaCount", _values.Scalar($"keda.{key}.minReplicaCount", 1))
            .Add("maxReplicaCount", _values.Scalar($"keda.{key}.maxReplicaCount", Math.Max(workload.Replicas * 5, 5)))
            .Add("triggers", new YList().Add(new YMap().Add("type", "nats-jetstream").Add("metadata", metadata)));
        _files.Add(new ManifestFile(workload.Name, "scaledobject.yaml",
            [Document("keda.sh/v1alpha1", "ScaledObject", Metadata(workload.Name, Chart, workload.Name)).Add("spec", spec)],
            HelmCondition: ".Values.keda.enabled",
            InPlain: false));
    }

    private YNode NatsClusterArgs(string name)
    {
        // Routes to every pod of the StatefulSet through its headless Service; a route to itself is ignored.
        var headless = KubernetesNames.HeadlessService(name);
        var routes =
            "{{ $routes := list }}{{ range $i := until (int .Values.nats.cluster.replicas) }}" +
            $"{{{{ $routes = append $routes (printf \"nats://{name}-%d.{headless}:{NatsClusterPort}\" $i) }}}}" +
            "{{ end }}{{ join \",\" $routes | quote }}";
        return new YIf(".Values.nats.cluster.enabled", false, new YList()
            .Add("--name").Add("$(POD_NAME)")
            .Add("--cluster_name").Add(new YTemplate("{{ .Release.Name | quote }}", new YScalar(Chart)))
            .Add("--cluster").Add($"nats://0.0.0.0:{NatsClusterPort}")
            .Add("--routes").Add(new YTemplate(routes, new YScalar(string.Empty))));
    }

    private static YMap DefaultResources(Workload workload)
    {
        var (cpuRequest, memoryRequest, cpuLimit, memoryLimit) = workload.Kind switch
        {
            WorkloadKind.Project => ("100m", "128Mi", "1", "512Mi"),
            _ => ("100m", "256Mi", "1", "1Gi"),
        };
        return new YMap()
            .Add("requests", new YMap().Add("cpu", cpuRequest).Add("memory", memoryRequest))
            .Add("limits", new YMap().Add("cpu", cpuLimit).Add("memory", memoryLimit));
    }

    private static void AddProbes(YMap container, Workload workload)
    {
        (string Path, string Port)? readiness = null, liveness = null;
        if (workload.Kind == WorkloadKind.Project && workload.Ports.Count > 0)
        {
            readiness = ("/health", workload.Ports[0].Name);
            liveness = ("/alive", workload.Ports[0].Name);
        }
        else if (KubernetesTopology.IsNats(workload.Resource) && workload.Ports.Any(p => p.Name == "monitoring"))
        {
            readiness = ("/healthz?js-enabled-only=true", "monitoring");
            liveness = ("/healthz?js-enabled-only=true", "monitoring");
        }
        else if (KubernetesTopology.IsObjectStore(workload.Resource) && workload.Ports.Any(p => p.Name == "http"))
        {
            readiness = ("/minio/health/ready", "http");
            liveness = ("/minio/health/live", "http");
        }

        if (readiness is { } ready && liveness is { } alive)
        {
            container.Add("readinessProbe", new YMap()
                .Add("httpGet", new YMap().Add("path", ready.Path).Add("port", ready.Port))
                .Add("initialDelaySeconds", 5).Add("periodSeconds", 10).Add("timeoutSeconds", 5).Add("failureThreshold", 3));
            container.Add("livenessProbe", new YMap()
                .Add("httpGet", new YMap().Add("path", alive.Path).Add("port", alive.Port))
                .Add("initialDelaySeconds", 15).Add("periodSeconds", 20).Add("timeoutSeconds", 5).Add("failureThreshold", 3));
        }
        else if (workload.Ports.Count > 0)
        {
            var tcp = new YMap().Add("tcpSocket", new YMap().Add("port", workload.Ports[0].Name)).Add("periodSeconds", 10);
            container.Add("readinessProbe", tcp);
            container.Add("livenessProbe", tcp);
        }
    }

    /// <summary>Records what a value needs: its parameters in values.yaml, its secrets as variables read from their Secret.</summary>
    private void AddParts(ClusterValue value, YList secretVariables)
    {
        foreach (var part in value.Parts)
        {
            switch (part)
            {
                case ClusterValue.Parameter parameter:
                    _values.Set(KubernetesNames.ParameterValuesPath(parameter.Resource), parameter.Value);
                    break;
                case ClusterValue.Secret secret:
                    AddSecretVariable(secretVariables, secret.Resource);
                    break;
            }
        }
    }

    private void AddSecretVariable(YList secretVariables, ParameterResource secret)
    {
        _secrets.Add(secret);
        var variable = KubernetesNames.SecretVariable(secret);
        if (secretVariables.Items.OfType<YMap>().Any(m => m["name"] is YScalar { Value: string n } && n == variable))
        {
            return;
        }

        secretVariables.Add(new YMap()
            .Add("name", variable)
            .Add("valueFrom", new YMap().Add("secretKeyRef", new YMap()
                .Add("name", KubernetesNames.Secret(secret))
                .Add("key", KubernetesNames.SecretKey))));
    }

    /// <summary>
    /// One Secret per secret parameter. The chart takes the value from values.yaml, else keeps the one already in
    /// the cluster, else generates one at install. The plain form carries a value generated now, never the local one.
    /// </summary>
    private void AddSecrets()
    {
        foreach (var secret in _secrets.OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            var name = KubernetesNames.Secret(secret);
            var path = KubernetesNames.SecretValuesPath(secret);
            _values.Set(path, string.Empty);
            var helm =
                $"{{{{ if .Values.{path} }}}}{{{{ .Values.{path} | b64enc | quote }}}}" +
                "{{ else if $existing }}{{ index $existing.data \"value\" | quote }}" +
                "{{ else }}{{ randAlphaNum 32 | b64enc | quote }}{{ end }}";
            var plain = Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(RandomNumberGenerator.GetString(Alphanumeric, 32)));
            _files.Add(new ManifestFile(name, "secret.yaml",
                [
                    Document("v1", "Secret", Metadata(name, Chart, name))
                        .Add("type", "Opaque")
                        .Add("data", new YMap().Add(KubernetesNames.SecretKey, new YTemplate(helm, new YScalar(plain)))),
                ],
                HelmPrefix: $"{{{{- $existing := lookup \"v1\" \"Secret\" .Release.Namespace \"{name}\" }}}}"));
        }
    }

    private const string Alphanumeric = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    private async Task WriteFilesAsync(string outputDirectory, CancellationToken cancellationToken)
    {
        var chart = Path.Combine(outputDirectory, ChartDirectory);
        var manifests = Path.Combine(outputDirectory, ManifestsDirectory);
        foreach (var directory in new[] { chart, manifests })
        {
            // A stale file from an earlier publish (a removed service) must not be deployed again.
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }

            Directory.CreateDirectory(directory);
        }

        var chartYaml = new YMap()
            .Add("apiVersion", "v2")
            .Add("name", Chart)
            .Add("description", "MobileX: camera stations, preprocessing, avatar API and gateway, with NATS JetStream and S3 storage.")
            .Add("type", "application")
            .Add("version", "0.1.0")
            .Add("appVersion", environment.ImageTag);
        await File.WriteAllTextAsync(Path.Combine(chart, "Chart.yaml"), YamlWriter.Write(chartYaml, helm: false), cancellationToken).ConfigureAwait(false);

        var resources = new YList();
        foreach (var file in _files.OrderBy(f => f.RelativePath, StringComparer.Ordinal))
        {
            var template = Path.Combine(chart, "templates", file.Component, file.FileName);
            Directory.CreateDirectory(Path.GetDirectoryName(template)!);
            var helmText = string.Join("---\n", file.Documents.Select(d => YamlWriter.Write(d, helm: true)));
            if (file.HelmPrefix is not null)
            {
                helmText = file.HelmPrefix + "\n" + helmText;
            }

            if (file.HelmCondition is not null)
            {
                helmText = $"{{{{- if {file.HelmCondition} }}}}\n{helmText}{{{{- end }}}}\n";
            }

            await File.WriteAllTextAsync(template, helmText, cancellationToken).ConfigureAwait(false);

            if (file.InPlain)
            {
                var plain = Path.Combine(manifests, file.Component, file.FileName);
                Directory.CreateDirectory(Path.GetDirectoryName(plain)!);
                await File.WriteAllTextAsync(plain, string.Join("---\n", file.Documents.Select(d => YamlWriter.Write(d, helm: false))), cancellationToken).ConfigureAwait(false);
                resources.Add(file.RelativePath);
            }
        }

        await File.WriteAllTextAsync(Path.Combine(chart, "values.yaml"), YamlWriter.Write(_values.Root, helm: false), cancellationToken).ConfigureAwait(false);

        var kustomization = new YMap()
            .Add("apiVersion", "kustomize.config.k8s.io/v1beta1")
            .Add("kind", "Kustomization")
            .Add("resources", resources);
        await File.WriteAllTextAsync(Path.Combine(manifests, "kustomization.yaml"), YamlWriter.Write(kustomization, helm: false), cancellationToken).ConfigureAwait(false);

        // The plain form's Secrets hold values generated by this publish; keep them out of version control.
        await File.WriteAllTextAsync(Path.Combine(manifests, ".gitignore"), "*/secret.yaml\n", cancellationToken).ConfigureAwait(false);
    }
}
