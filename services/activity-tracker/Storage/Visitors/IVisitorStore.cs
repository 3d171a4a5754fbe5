namespace Sync.ActivityTracker.Storage;

/// <summary>A visitor (a tracking cookie) and the prospect it is linked to, once it submitted a form or clicked an e-mail link.</summary>
public sealed record Visitor(string VisitorId, long? ProspectId, bool OptedOut, DateTimeOffset? LinkedAt);

/// <summary>One thing a visitor did, as activity-tracker keeps it: published for a known prospect, or kept as anonymous visitor activity.</summary>
public sealed record VisitorActivity(DateTimeOffset OccurredAt, string Kind, string? Url, long? ProspectId, Guid? EventId, string Rule);

/// <summary>
/// Visitor links and recent visitor activity; activity-tracker is their one writer. The public endpoints create visitors,
/// so a visitor is kept only Tracking:VisitorActivityKeptFor after it was last written, then forgotten.
/// </summary>
public interface IVisitorStore
{
    Task<Visitor> Get(string visitorId, CancellationToken cancellationToken);

    /// <summary>Links the visitor to the prospect from now on; what it did before stays as it was recorded.</summary>
    Task Link(string visitorId, long prospectId, DateTimeOffset at, CancellationToken cancellationToken);

    Task SetOptedOut(string visitorId, bool optedOut, CancellationToken cancellationToken);

    Task Record(string visitorId, VisitorActivity activity, CancellationToken cancellationToken);

    /// <summary>The visitor's latest activity, newest first.</summary>
    Task<IReadOnlyList<VisitorActivity>> Activity(string visitorId, int limit, CancellationToken cancellationToken);
}
