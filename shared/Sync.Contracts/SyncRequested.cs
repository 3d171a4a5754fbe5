namespace Sync.Contracts;

/// <summary>
/// The sync-evaluator decided that a prospect must be synced. An event with one consumer, sync-worker.
/// At most one is live per prospect; when its lease runs out it is published again with the same
/// <see cref="SyncId"/>, which the worker treats as the same work.
/// </summary>
public sealed record SyncRequested
{
    /// <summary>Unique per publication; a re-issue of the same sync has a new one.</summary>
    public required Guid EventId { get; init; }

    public required long ProspectId { get; init; }

    /// <summary>When the evaluator issued it, by Redis's clock.</summary>
    public required DateTimeOffset OccurredAt { get; init; }

    public required Guid SyncId { get; init; }

    /// <summary>The evaluator's change version this sync covers; the worker reports it back in <see cref="SyncCompleted"/>.</summary>
    public required long Version { get; init; }

    /// <summary>The rule that queued it, such as "FormSubmission" or "Import".</summary>
    public required string Rule { get; init; }

    /// <summary>How many times this sync has been issued; 1 the first time.</summary>
    public int Issue { get; init; } = 1;
}
