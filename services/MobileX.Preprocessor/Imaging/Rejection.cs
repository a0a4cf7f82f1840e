namespace MobileX.Preprocessor.Imaging;

/// <summary>Why a frame was refused, with the reason from <c>RejectionReasons</c> and a detail for people.</summary>
public sealed record Rejection(string Reason, string Detail);
