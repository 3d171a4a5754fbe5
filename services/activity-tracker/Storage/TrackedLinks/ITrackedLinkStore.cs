namespace Sync.ActivityTracker.Storage;

/// <summary>A tracked link: /r/{code} redirects to the target and records the click for the prospect it was sent to.</summary>
public sealed record TrackedLink(string Code, string Target, long ProspectId, TrackedLinkKind Kind, string? Name, DateTimeOffset CreatedAt);

/// <summary>Tracked links: each is kept Tracking:LinksKeptFor after it was created or last read (followed), then forgotten.</summary>
public interface ITrackedLinkStore
{
    /// <summary>Stores the link unless its code is taken; false then.</summary>
    Task<bool> TryAdd(TrackedLink link, CancellationToken cancellationToken);

    /// <summary>The link, kept for the whole retention again from now; null when there is none (or it expired).</summary>
    Task<TrackedLink?> Get(string code, CancellationToken cancellationToken);
}
