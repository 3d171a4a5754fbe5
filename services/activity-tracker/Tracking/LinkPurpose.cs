namespace Sync.ActivityTracker.Tracking;

/// <summary>What a signed link lets its holder do; a token signed for one purpose is refused for the other.</summary>
public enum LinkPurpose
{
    /// <summary>Record that the e-mail was opened (the tracking pixel).</summary>
    Open,

    /// <summary>Opt the prospect out of e-mail.</summary>
    Unsubscribe,
}
