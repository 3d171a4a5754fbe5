namespace Sync.Rules;

/// <summary>
/// What the sync-evaluator keeps per prospect. Versions, not dates, decide whether a sync is needed:
/// every accepted change takes the next version, so clocks that disagree cannot hide or invent a change.
/// </summary>
public sealed record SyncState
{
    public static SyncState New { get; } = new();

    /// <summary>The number of accepted changes that needed a sync.</summary>
    public long Version { get; init; }

    /// <summary>The highest version whose sync ended, however it ended; nothing at or below it is queued again by itself.</summary>
    public long SettledVersion { get; init; }

    /// <summary>The highest version written to the CRM.</summary>
    public long SyncedVersion { get; init; }

    /// <summary>The rule of the latest change that needed a sync.</summary>
    public string? PendingRule { get; init; }

    public DateTimeOffset? LastActivityAt { get; init; }

    public DateTimeOffset? UpdatedAt { get; init; }

    public DateTimeOffset? CrmLastModifiedAt { get; init; }

    /// <summary>When the last sync completed, by Redis's clock.</summary>
    public DateTimeOffset? LastSyncedAt { get; init; }

    public bool DoNotSync { get; init; }

    /// <summary>The prospect revision of the Do Not Sync change applied last.</summary>
    public long DoNotSyncRevision { get; init; }

    /// <summary>
    /// The highest prospect revision a sync read and wrote to the CRM (0: none said). A change that arrives after that sync
    /// completed, stamped at or below it, was in what it wrote: it needs no sync of its own. Kept, with
    /// <see cref="SyncedCrmLastModified"/>, because a lone change is synced at once: a new prospect's second event (its
    /// creation, its import, its form) often arrives after the sync its first one queued has completed.
    /// </summary>
    public long SyncedRevision { get; init; }

    /// <summary>The latest CRM LastModifiedDate a sync's lookup read, by the CRM's clock, for a sync that wrote the CRM.</summary>
    public DateTimeOffset? SyncedCrmLastModified { get; init; }

    public OutstandingSync? Outstanding { get; init; }

    /// <summary>Whether a sync already read this change and wrote it to the CRM, by the stamps the last syncs read.</summary>
    public bool AlreadySynced(ChangeStamp stamp) => stamp.By switch
    {
        SyncCoverage.ProspectRevision => stamp.Revision <= SyncedRevision,
        SyncCoverage.CrmLastModified => SyncedCrmLastModified is { } synced && stamp.CrmLastModified <= synced,
        // An activity carries no stamp that orders it against a read: on a synced prospect it queues a sync, as the article says.
        _ => false,
    };

    /// <summary>Changes no sync has settled yet: a sync is outstanding for them, or Do Not Sync holds them back.</summary>
    public bool ChangesPending => Version > SettledVersion;

    /// <summary>
    /// Changes the CRM does not have: the pending ones, and those whose sync failed permanently or was skipped for Do Not Sync,
    /// which wait for the next change, an operator's forced sync or Do Not Sync being cleared.
    /// </summary>
    public bool ChangesNotInCrm => Version > SyncedVersion;
}

/// <summary>
/// The one sync issued for a prospect and not yet completed. A lease: when <see cref="LeaseUntil"/> passes
/// without a completion, it is issued again with the same <see cref="SyncId"/>.
/// It is also the outbox: it holds the SyncRequested as last issued (<see cref="RequestEventId"/>, <see cref="RequestedAt"/>),
/// so a publish that was never confirmed can be repeated unchanged.
/// </summary>
/// <param name="Issue">How many times its SyncRequested was issued: 1, and one more for each publish not confirmed within the
/// publish grace and each lease that ran out. The worker tells copies of one sync apart by it.</param>
/// <param name="LeaseExpiries">How many leases ran out after a confirmed publish; each doubles the next lease. A publish that was
/// never confirmed does not count: it says nothing about how long the worker takes.</param>
/// <param name="JoinedRevision">
/// The changes that joined this sync (every version above <paramref name="Version"/>), summed up in three values rather than
/// listed, so that a prospect's state stays a few fields whatever arrives: the highest prospect revision stamped on them (0:
/// none), ...
/// </param>
/// <param name="JoinedCrmLastModified">... the latest CRM LastModifiedDate stamped on them, ...</param>
/// <param name="JoinedUnstamped">
/// ... and whether any carried no stamp that could show the sync read it (an operator's forced sync, a change without its
/// revision). A completion that read at or beyond both stamps, with no unstamped join, covers every version; otherwise only
/// <paramref name="Version"/>, and a follow-up sync carries the rest. Activities add nothing: no mapped field depends on them.
/// </param>
public sealed record OutstandingSync(
    Guid SyncId,
    long Version,
    string Rule,
    int Issue,
    int LeaseExpiries,
    DateTimeOffset IssuedAt,
    DateTimeOffset LeaseUntil,
    bool Published,
    Guid RequestEventId,
    DateTimeOffset RequestedAt,
    long JoinedRevision = 0,
    DateTimeOffset? JoinedCrmLastModified = null,
    bool JoinedUnstamped = false)
{
    /// <summary>This sync with one more change joined, as its stamp says.</summary>
    public OutstandingSync Join(ChangeStamp stamp) => stamp.By switch
    {
        SyncCoverage.NoMappedField => this,
        SyncCoverage.ProspectRevision => this with { JoinedRevision = Math.Max(JoinedRevision, stamp.Revision ?? 0) },
        SyncCoverage.CrmLastModified when JoinedCrmLastModified is { } joined && joined >= stamp.CrmLastModified => this,
        SyncCoverage.CrmLastModified => this with { JoinedCrmLastModified = stamp.CrmLastModified },
        _ => this with { JoinedUnstamped = true },
    };

    /// <summary>Whether <paramref name="completion"/>, of this sync, read every change that joined it.</summary>
    public bool JoinsCoveredBy(SyncCompletion completion) =>
        completion.SyncId == SyncId
        && !JoinedUnstamped
        && (JoinedRevision == 0 || completion.ProspectRevisionRead >= JoinedRevision)
        && (JoinedCrmLastModified is not { } joined || completion.CrmLastModifiedDateRead >= joined);
}
