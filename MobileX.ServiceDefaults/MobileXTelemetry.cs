namespace Microsoft.Extensions.Hosting;

/// <summary>Names shared by every MobileX ActivitySource and Meter, so ServiceDefaults can subscribe to all of them.</summary>
public static class MobileXTelemetry
{
    /// <summary>Every MobileX ActivitySource name starts with this, e.g. <c>MobileX.Capture</c>.</summary>
    public const string ActivitySourcePrefix = "MobileX.";

    /// <summary>Every MobileX Meter name starts with this, e.g. <c>MobileX.Capture</c>.</summary>
    public const string MeterPrefix = "MobileX.";
}
