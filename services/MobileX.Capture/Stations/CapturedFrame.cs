using System.Diagnostics;
using MobileX.Capture.Sources;
using MobileX.Contracts;

namespace MobileX.Capture.Stations;

/// <summary>A frame between capture and JetStream ack: its event, its bytes and its "capture frame" span.</summary>
internal sealed record CapturedFrame(FrameCaptured Event, EncodedFrame Frame, long CapturedTimestamp, Activity? Activity);
