using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace MobileX.Contracts;

/// <summary>
/// The name of a model that reuses the pipeline (<c>coverage</c>): lower-case letters, digits and dashes, 2 to 32
/// characters, starting with a letter. It names the model's NATS user, its subject prefix <c>mobilex.models.&lt;name&gt;</c>,
/// its durable consumer <c>model-&lt;name&gt;</c> and its checkpoint, so it must be valid in all of them.
/// </summary>
public readonly partial record struct ModelName
{
    /// <summary>The coverage model in this repository (services/MobileX.Coverage).</summary>
    public static readonly ModelName Coverage = new("coverage");

    private readonly string _value;

    private ModelName(string value) => _value = value;

    public static ModelName Parse(string text) => TryParse(text, out var name)
        ? name
        : throw new FormatException($"'{text}' is not a model name: use 2 to 32 lower-case letters, digits and dashes, starting with a letter.");

    public static bool TryParse([NotNullWhen(true)] string? text, out ModelName name)
    {
        name = default;
        if (text is null || !Pattern().IsMatch(text))
        {
            return false;
        }

        name = new ModelName(text);
        return true;
    }

    /// <summary>The model's durable JetStream consumer on <c>FRAMES</c>: <c>model-&lt;name&gt;</c>.</summary>
    public string DurableConsumer => $"model-{_value}";

    /// <summary>
    /// The model's durable consumer on <c>FRAMES</c> for one stage: <c>model-&lt;name&gt;-&lt;stage&gt;</c>. nats-server
    /// 2.9 gives a consumer one filter subject, so a model keeps one consumer per stage it reads.
    /// </summary>
    public string StageConsumer(FrameStage stage) => $"{DurableConsumer}-{stage.Token()}";

    /// <summary>The model's NATS user: <c>model-&lt;name&gt;</c>.</summary>
    public string NatsUser => $"model-{_value}";

    /// <summary>The model's own inbox prefix, so its replies are not readable by other users: <c>_INBOX.model-&lt;name&gt;</c>.</summary>
    public string InboxPrefix => NatsInbox.Prefix(NatsUser);

    /// <summary>The NATS key-value bucket that holds the model's feed checkpoint: <c>feeds-&lt;name&gt;</c>.</summary>
    public string CheckpointBucket => $"feeds-{_value}";

    public override string ToString() => _value ?? string.Empty;

    [GeneratedRegex("^[a-z][a-z0-9-]{1,31}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
