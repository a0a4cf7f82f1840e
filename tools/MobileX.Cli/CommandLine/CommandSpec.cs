namespace MobileX.Cli.CommandLine;

/// <summary>One option of a command: <c>--name VALUE</c> (or <c>--name=VALUE</c>), or a flag without a value.</summary>
/// <param name="Value">What the value is, for the help text; null for a flag.</param>
/// <param name="Repeatable">May be given more than once (each value is kept, in order).</param>
internal sealed record OptionSpec(string Name, string? Value, string Description, bool Repeatable = false)
{
    public bool IsFlag => Value is null;
}

/// <summary>A command's name, what it does, its options and the help text built from them.</summary>
/// <param name="Path">The words that select it, e.g. <c>deadletters redrive</c>.</param>
internal sealed record CommandSpec(string Path, string Summary, IReadOnlyList<OptionSpec> Options, IReadOnlyList<string>? Details = null)
{
    public OptionSpec? Find(string name) => Options.FirstOrDefault(o => o.Name == name);

    public string Help()
    {
        var text = new System.Text.StringBuilder();
        text.AppendLine($"mobilex {Path}: {Summary}");
        text.AppendLine();
        text.AppendLine($"usage: mobilex {Path}{(Options.Count > 0 ? " [options]" : string.Empty)}");
        if (Options.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("options:");
            // A long option (a connection string's shape) takes its own line rather than widening every row.
            const int maxWidth = 34;
            var width = Options.Select(o => Syntax(o).Length).Where(w => w <= maxWidth).DefaultIfEmpty(0).Max();
            foreach (var option in Options)
            {
                var syntax = Syntax(option);
                text.AppendLine(syntax.Length <= width
                    ? $"  {syntax.PadRight(width)}  {option.Description}"
                    : $"  {syntax}\n  {new string(' ', width)}  {option.Description}");
            }
        }

        foreach (var line in Details ?? [])
        {
            text.AppendLine(line);
        }

        return text.ToString();
    }

    private static string Syntax(OptionSpec option) =>
        option.Name + (option.Value is { } value ? $" {value}" : string.Empty) + (option.Repeatable ? " …" : string.Empty);
}
