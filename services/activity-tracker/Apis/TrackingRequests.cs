namespace Sync.ActivityTracker.Apis;

/// <summary>A page view. <c>optedOut</c> is the visitor's tracking consent as the tracking script knows it; it is remembered.</summary>
public sealed record PageViewRequest(string? Url = null, bool? OptedOut = null, DateTimeOffset? OccurredAt = null);

/// <summary>
/// A form (or form handler) submission: the e-mail address identifies the prospect, <c>fields</c> fill its blanks, and
/// <c>visitorId</c> (the tracking cookie) links the visitor to it.
/// </summary>
public sealed record FormSubmissionRequest(
    string? Email = null, Dictionary<string, string?>? Fields = null, string? VisitorId = null, string? Url = null, string? FormName = null,
    DateTimeOffset? OccurredAt = null);

/// <summary>A tracked link to create: <c>kind</c> is customRedirect or emailLink.</summary>
public sealed record CreateLinkRequest(string? Target = null, long? ProspectId = null, string? Kind = null, string? Name = null);

public sealed record TrackedLinkCreated(string Code, string Url, string Target, long ProspectId, string Kind, string? Name);

/// <summary>An e-mail open: <c>prospectId</c> and <c>token</c> as the openUrl has them (or prospectId alone, with the API key).</summary>
public sealed record EmailOpenRequest(long? ProspectId = null, DateTimeOffset? OccurredAt = null, string? Token = null);

/// <summary>An unsubscribe: what the unsubscribeUrl holds (prospectId, emailId, token), or prospectId alone with the API key.</summary>
public sealed record UnsubscribeRequest(long? ProspectId = null, string? EmailId = null, string? Token = null);

/// <summary>Asks for the signed links of one e-mail to one prospect.</summary>
public sealed record TrackingUrlsRequest(long? ProspectId = null);

/// <summary>
/// The signed links for one recipient of one e-mail, relative to activity-tracker's public address: <c>openUrl</c> for an
/// &lt;img&gt; (GET answers a 1x1 GIF), <c>unsubscribeUrl</c> for the unsubscribe link or page (POST it, or use it as the
/// List-Unsubscribe header with List-Unsubscribe-Post: List-Unsubscribe=One-Click).
/// </summary>
public sealed record EmailTrackingUrls(long ProspectId, string EmailId, string OpenUrl, string UnsubscribeUrl);

public sealed record Unsubscribed(long ProspectId, bool OptedOut, long Revision);

public sealed record VisitorView(string VisitorId, long? ProspectId, bool OptedOut, DateTimeOffset? LinkedAt, IReadOnlyList<Storage.VisitorActivity> Activity);
