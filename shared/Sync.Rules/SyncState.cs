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

    public OutstandingSync? Outstanding { get; init; }

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
    DateTimeOffset RequestedAt);
