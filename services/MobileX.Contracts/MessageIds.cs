namespace MobileX.Contracts;

/// <summary>
/// <c>Nats-Msg-Id</c> values. A raw frame event carries the bare frame id; the preprocessor's answer for the same frame
/// adds a suffix, so it is not dropped as a duplicate of the raw event inside the FRAMES stream's duplicate window,
/// while a redelivered frame's second answer still is.
/// </summary>
public static class MessageIds
{
    /// <summary><c>&lt;frameId&gt;</c>: the raw <see cref="FrameCaptured"/> event.</summary>
    public static string Captured(FrameId frameId) => frameId.ToString();

    /// <summary><c>&lt;frameId&gt;:processed</c>: the <see cref="FrameProcessed"/> event.</summary>
    public static string Processed(FrameId frameId) => $"{frameId}:processed";

    /// <summary><c>&lt;frameId&gt;:rejected</c>: the <see cref="FrameRejected"/> event.</summary>
    public static string Rejected(FrameId frameId) => $"{frameId}:rejected";

    /// <summary><c>&lt;avatarId&gt;</c>: the <see cref="AvatarCreated"/> event.</summary>
    public static string AvatarCreated(AvatarId avatarId) => avatarId.ToString();

    /// <summary><c>preprocessor:&lt;stream sequence&gt;</c>: a dead letter, one per stream message.</summary>
    public static string DeadLetter(string consumer, ulong streamSequence) => $"{consumer}:{streamSequence}";
}
