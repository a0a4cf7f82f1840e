using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using MobileX.Preprocessor.Imaging;

namespace MobileX.Preprocessor;

/// <summary>Checks what data annotations cannot: the cascade file exists and the output size is a Stable Diffusion size.</summary>
internal sealed class PreprocessorOptionsValidator : IValidateOptions<PreprocessorOptions>
{
    public static readonly int[] OutputSizes = [512, 768, 1024];

    public ValidateOptionsResult Validate(string? name, PreprocessorOptions options)
    {
        var failures = new List<string>();
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options.Crop, new ValidationContext(options.Crop), results, validateAllProperties: true))
        {
            failures.AddRange(results.Select(r => r.ErrorMessage ?? "Preprocessor:Crop is invalid."));
        }

        if (!File.Exists(options.Crop.CascadePath))
        {
            failures.Add($"Preprocessor:Crop:CascadePath '{options.Crop.CascadePath}' does not exist: install opencv-data (./mobilex.sh setup) or point it at an OpenCV cascade XML file.");
        }
        else if (!CascadeFile.Loads(options.Crop.CascadePath))
        {
            failures.Add($"Preprocessor:Crop:CascadePath '{options.Crop.CascadePath}' is not a cascade OpenCV can load.");
        }

        if (!string.IsNullOrEmpty(options.Crop.VerifyCascadePath) && !CascadeFile.Loads(options.Crop.VerifyCascadePath))
        {
            failures.Add($"Preprocessor:Crop:VerifyCascadePath '{options.Crop.VerifyCascadePath}' is not a cascade OpenCV can load (install opencv-data, or set it empty to skip verification).");
        }

        if (!OutputSizes.Contains(options.Crop.OutputSize))
        {
            failures.Add($"Preprocessor:Crop:OutputSize {options.Crop.OutputSize} is not a Stable Diffusion size: use 512, 768 or 1024.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
