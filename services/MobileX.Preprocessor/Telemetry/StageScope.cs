using System.Diagnostics;

namespace MobileX.Preprocessor.Telemetry;

/// <summary>
/// Times one stage of a frame into the stage histogram and traces it as a child span. A struct, so timing the six
/// stages of every frame allocates nothing beyond the span.
/// </summary>
internal readonly struct StageScope : IDisposable
{
    private readonly PreprocessorTelemetry _telemetry;
    private readonly string _stage;
    private readonly TimeProvider _time;
    private readonly long _started;
    private readonly Activity? _activity;

    public StageScope(PreprocessorTelemetry telemetry, string stage, TimeProvider time)
    {
        _telemetry = telemetry;
        _stage = stage;
        _time = time;
        _started = time.GetTimestamp();
        _activity = telemetry.Source.StartActivity(stage);
    }

    public void Dispose()
    {
        _telemetry.Stage(_stage, _time.GetElapsedTime(_started));
        _activity?.Dispose();
    }
}
