using Microsoft.Extensions.Logging;
using MobileX.Hosting.Kubernetes.Model;

namespace MobileX.Hosting.Kubernetes.Workloads;

/// <summary>A workload's environment and arguments as the cluster sees them, evaluated once from the app model.</summary>
public sealed record WorkloadInputs(
    Workload Workload,
    IReadOnlyList<KeyValuePair<string, ClusterValue>> Environment,
    IReadOnlyList<ClusterValue> Args,
    IReadOnlySet<IResource> References)
{
    /// <summary>Runs the resource's environment and argument callbacks as a publish does, and translates every value.</summary>
    public static async Task<WorkloadInputs> EvaluateAsync(
        Workload workload, KubernetesTopology topology, DistributedApplicationExecutionContext executionContext, ILogger logger, CancellationToken cancellationToken)
    {
        var translator = new ClusterValueTranslator(topology);
        var resource = workload.Resource;

        var rawEnvironment = new Dictionary<string, object>();
        if (resource.TryGetAnnotationsOfType<EnvironmentCallbackAnnotation>(out var environmentCallbacks))
        {
            var context = new EnvironmentCallbackContext(executionContext, resource, rawEnvironment, cancellationToken);
            foreach (var callback in environmentCallbacks)
            {
                await callback.Callback(context).ConfigureAwait(false);
            }
        }

        var environment = new List<KeyValuePair<string, ClusterValue>>();
        foreach (var (name, value) in rawEnvironment)
        {
            if (await translator.TranslateAsync(value, cancellationToken).ConfigureAwait(false) is { } translated)
            {
                environment.Add(new(name, translated));
            }
            else
            {
                KubernetesLog.EnvironmentSkipped(logger, resource.Name, name);
            }
        }

        var rawArgs = new List<object>();
        if (resource.TryGetAnnotationsOfType<CommandLineArgsCallbackAnnotation>(out var argCallbacks))
        {
            var context = new CommandLineArgsCallbackContext(rawArgs, resource, cancellationToken) { ExecutionContext = executionContext };
            foreach (var callback in argCallbacks)
            {
                await callback.Callback(context).ConfigureAwait(false);
            }
        }

        var args = new List<ClusterValue>();
        foreach (var arg in rawArgs)
        {
            args.Add(await translator.TranslateAsync(arg, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"An argument of '{resource.Name}' refers to an endpoint the cluster does not serve."));
        }

        if (workload.Kind == WorkloadKind.Project)
        {
            // Projects listen on the ports Kubernetes routes to, whatever the model set for a local run.
            environment.RemoveAll(e => e.Key == "HTTP_PORTS");
            var ports = new ClusterValue();
            ports.Add(new ClusterValue.Literal(string.Join(';', workload.Ports.Select(p => p.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)))));
            environment.Add(new("HTTP_PORTS", ports));
        }

        return new WorkloadInputs(workload, environment, args, translator.ReferencedResources);
    }

    /// <summary>The secret parameters the environment and arguments read.</summary>
    public IEnumerable<ParameterResource> Secrets =>
        Environment.Select(e => e.Value).Concat(Args).SelectMany(v => v.Parts).OfType<ClusterValue.Secret>().Select(s => s.Resource).Distinct();
}
