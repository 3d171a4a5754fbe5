using System.Text.Json.Serialization;

namespace Sync.Contracts;

/// <summary>
/// Something a known prospect did: a page view, a form submission, a click or an e-mail open.
/// Published by activity-tracker, or by any upstream system that tracks activity.
/// Whether it triggers a sync is the sync-evaluator's decision, not the publisher's.
/// </summary>
public sealed record ProspectActivityRecorded
{
    /// <summary>Unique per activity; a redelivered or re-published copy keeps it, so it is applied once.</summary>
    public required Guid EventId { get; init; }

    public required long ProspectId { get; init; }

    /// <summary>When the prospect did it, by the publisher's clock.</summary>
    public required DateTimeOffset OccurredAt { get; init; }

    public required ActivityKind Kind { get; init; }

    /// <summary>The tracking cookie's visitor id, for activity that came from a browser.</summary>
    public string? VisitorId { get; init; }

    /// <summary>The page, link target or form address involved.</summary>
    public string? Url { get; init; }

    /// <summary>The form, form handler, link or e-mail by name, for people reading the history.</summary>
    public string? AssetName { get; init; }

    /// <summary>False for a page view made before the visitor had a tracking cookie.</summary>
    public bool VisitorHadTrackingCookie { get; init; } = true;

    /// <summary>True when the visitor has opted out of tracking.</summary>
    public bool VisitorOptedOutOfTracking { get; init; }
}

[JsonConverter(typeof(JsonStringEnumConverter<ActivityKind>))]
public enum ActivityKind
{
    PageView,
    FormSubmission,
    FormHandlerSubmission,
    CustomRedirectClick,
    EmailLinkClick,
    EmailOpen,
}
