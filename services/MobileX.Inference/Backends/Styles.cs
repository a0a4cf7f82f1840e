namespace MobileX.Inference.Backends;

/// <summary>The looks a caller may ask for. SD backends turn them into prompt words; the local stylizer into filters.</summary>
public static class Styles
{
    public const string Stylization = "stylization";
    public const string EdgePreserving = "edge-preserving";
    public const string Cartoon = "cartoon";

    public const string Default = Cartoon;

    public static IReadOnlyList<string> All { get; } = [Stylization, EdgePreserving, Cartoon];

    /// <summary>Words appended to an SD prompt so the chosen look means something to a diffusion model too.</summary>
    internal static string PromptSuffix(string style) => style switch
    {
        Stylization => "painterly, watercolor style",
        EdgePreserving => "smooth airbrushed illustration",
        _ => "cartoon style, bold outlines, flat colors",
    };
}
