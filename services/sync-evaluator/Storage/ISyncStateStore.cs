using Sync.Contracts;
using Sync.Rules;

namespace Sync.SyncEvaluator.Storage;

/// <summary>
/// The sync state of every prospect, changed only in atomic steps that are <see cref="SyncStateMachine"/>, and the schedule of
/// outstanding syncs the relay watches. Redis in production (one Lua script per step), in memory when embedded; both pass the
/// same contract tests.
/// </summary>
public interface ISyncStateStore
{
    /// <summary>
    /// Applies each change in one atomic step for its prospect. A change whose event id was applied before changes nothing of its
    /// own and comes back with <see cref="SyncStep.Applied"/> false; like every step, it still issues the prospect's outstanding
    /// sync again if that sync's time ran out.
    /// </summary>
    Task<IReadOnlyList<SyncStep>> Apply(IReadOnlyList<SyncChange> changes, CancellationToken cancellationToken);

    /// <summary>What applying the change now would decide; changes nothing.</summary>
    Task<SyncStep> WhatIf(SyncChange change, CancellationToken cancellationToken);

    /// <summary>The broker confirmed the publish of this sync: its lease starts.</summary>
    Task<SyncStep> MarkPublished(long prospectId, Guid syncId, CancellationToken cancellationToken);

    /// <summary>The relay's step: issues the outstanding sync again, with the same sync id, if its publish grace or its lease ran out.</summary>
    Task<SyncStep> ReissueIfExpired(long prospectId, CancellationToken cancellationToken);

    /// <summary>The prospect's state and latest decisions, newest first; null when no event for it was ever applied.</summary>
    Task<ProspectSyncStatus?> GetStatus(long prospectId, CancellationToken cancellationToken);

    /// <summary>Puts the prospect on the outstanding-syncs schedule for <paramref name="actAt"/>, overwriting whatever time it had, earlier or later.</summary>
    Task Schedule(long prospectId, DateTimeOffset actAt, CancellationToken cancellationToken);

    /// <summary>
    /// Puts the prospects on the outstanding-syncs schedule one publish grace from now, by the store's clock, overwriting whatever
    /// time they had: written ahead of a step that may issue a sync, so that the relay finds the sync even if the step's caller
    /// never gets further. Always a time no relay can be holding, so none that read an earlier one takes the prospect off.
    /// </summary>
    Task ScheduleAhead(IReadOnlyCollection<long> prospectIds, CancellationToken cancellationToken);

    /// <summary>The prospects scheduled for now or earlier, by the store's clock, earliest first.</summary>
    Task<DueSyncs> Due(int max, CancellationToken cancellationToken);

    /// <summary>
    /// Moves the prospect to <paramref name="next"/> (or off the schedule when null), only if it is still scheduled for
    /// <paramref name="expected"/>; false when someone scheduled it anew meanwhile.
    /// </summary>
    Task<bool> Reschedule(long prospectId, DateTimeOffset expected, DateTimeOffset? next, CancellationToken cancellationToken);
}

/// <summary>The result of one atomic step on one prospect.</summary>
public sealed record SyncStep
{
    public required long ProspectId { get; init; }

    /// <summary>When the step ran, by the store's clock (Redis TIME).</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>False when the event had been applied before: nothing changed.</summary>
    public bool Applied { get; init; } = true;

    /// <summary>
    /// The decision on the step's event (or, for a what-if, the one that would be); none for the relay's step or for an event
    /// applied before.
    /// </summary>
    public SyncDecision? Decision { get; init; }

    /// <summary>When the step issued the outstanding sync again, its time having run out: that decision.</summary>
    public SyncDecision? Reissue { get; init; }

    /// <summary>The outstanding sync after the step.</summary>
    public OutstandingSync? Outstanding { get; init; }

    /// <summary>The SyncRequested this step issued, or issued again: whoever ran the step publishes it.</summary>
    public SyncRequested? ToPublish { get; init; }

    /// <summary>
    /// For an event applied before: the outstanding sync's request as last issued, when its publish is not confirmed yet and its
    /// grace has not run out. A redelivery publishes it again unchanged; a second copy of an event leaves it to the first.
    /// </summary>
    public SyncRequested? Unconfirmed =>
        !Applied && ToPublish is null && Outstanding is { Published: false } outstanding ? SyncStateMachine.RequestFor(ProspectId, outstanding) : null;
}

public sealed record ProspectSyncStatus(long ProspectId, SyncState State, IReadOnlyList<SyncDecision> Decisions);

public sealed record DueSyncs(DateTimeOffset Now, IReadOnlyList<ScheduledSync> Prospects);

public sealed record ScheduledSync(long ProspectId, DateTimeOffset ActAt);
