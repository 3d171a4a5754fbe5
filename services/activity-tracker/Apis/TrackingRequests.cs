namespace Sync.ActivityTracker.Apis;

/// <summary>A page view. <c>optedOut</c> is the visitor's tracking consent as the tracking script knows it; it is remembered.</summary>
public sealed record PageViewRequest(string? Url, bool? OptedOut, DateTimeOffset? OccurredAt);

/// <summary>
/// A form (or form handler) submission: the e-mail address identifies the prospect, <c>fields</c> fill its blanks, and
/// <c>visitorId</c> (the tracking cookie) links the visitor to it.
/// </summary>
public sealed record FormSubmissionRequest(
    string? Email, Dictionary<string, string?>? Fields, string? VisitorId, string? Url, string? FormName, DateTimeOffset? OccurredAt);

/// <summary>A tracked link to create: <c>kind</c> is customRedirect or emailLink.</summary>
public sealed record CreateLinkRequest(string? Target, long? ProspectId, string? Kind, string? Name);

public sealed record TrackedLinkCreated(string Code, string Url, string Target, long ProspectId, string Kind, string? Name);

public sealed record EmailOpenRequest(long? ProspectId, DateTimeOffset? OccurredAt);

public sealed record UnsubscribeRequest(long? ProspectId, string? EmailId);

public sealed record Unsubscribed(long ProspectId, bool OptedOut, long Revision);

public sealed record VisitorView(string VisitorId, long? ProspectId, bool OptedOut, DateTimeOffset? LinkedAt, IReadOnlyList<Storage.VisitorActivity> Activity);
