using System.Text.Json;
using System.Text.Json.Serialization;
using MobileX.Cli.DeadLetters;
using MobileX.Cli.Export;
using MobileX.Cli.Listing;

namespace MobileX.Cli.Output;

/// <summary>The CLI's own JSON (export files, state), camelCase like the contracts; nulls left out.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SampleDocument))]
[JsonSerializable(typeof(ManifestLine))]
[JsonSerializable(typeof(ExportState))]
[JsonSerializable(typeof(ListedFrame))]
[JsonSerializable(typeof(StationCounts))]
[JsonSerializable(typeof(ListedDeadLetter))]
internal sealed partial class CliJsonContext : JsonSerializerContext;

/// <summary>The state file is read by people as well: indented.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, WriteIndented = true)]
[JsonSerializable(typeof(ExportState))]
internal sealed partial class CliIndentedJsonContext : JsonSerializerContext;
