namespace Sync.Contracts;

/// <summary>
/// An operator asked for a prospect to be synced now, whether or not anything changed
/// (for example by retrying an entry of the sync-error list).
/// </summary>
public sealed record ProspectSyncForced
{
    public required Guid EventId { get; init; }

    public required long ProspectId { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    /// <summary>Who asked, and why, in words for the explanation.</summary>
    public required string Reason { get; init; }
}
