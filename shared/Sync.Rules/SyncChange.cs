using Sync.Contracts;

namespace Sync.Rules;

/// <summary>
/// One event, reduced to what the sync state needs: which rule it falls under and the date it carries.
/// Built by <see cref="ChangeClassifier"/>; applied by <see cref="SyncStateMachine"/> and, identically, by the evaluator's Redis script.
/// </summary>
public sealed record SyncChange
{
    public required Guid EventId { get; init; }

    public required long ProspectId { get; init; }

    /// <summary>The contract's name, such as "ProspectActivityRecorded", for the explanation.</summary>
    public required string EventType { get; init; }

    public required SyncRule Rule { get; init; }

    /// <summary>The date the event reports for <see cref="SyncRule.Moves"/>, by its publisher's clock.</summary>
    public DateTimeOffset? ReportedDate { get; init; }

    /// <summary>The prospect's revision after a marketing-side change; orders Do Not Sync changes without clocks.</summary>
    public long Revision { get; init; }

    /// <summary>
    /// For a Do Not Sync change that changed other fields in the same edit (an automation rule's actions, combined): the rule
    /// those other changes fall under. They count like any change, so clearing Do Not Sync later finds them pending.
    /// </summary>
    public SyncRule? AlsoTriggers { get; init; }

    /// <summary>For a completion: the sync that finished, the version it covered and how it ended.</summary>
    public SyncCompletion? Completion { get; init; }
}

/// <param name="DoNotSyncRevision">For a sync skipped for Do Not Sync: the prospect's revision at which the worker read it set.</param>
public sealed record SyncCompletion(Guid SyncId, long Version, SyncOutcome Outcome, DateTimeOffset? CrmLastModifiedDate, long? DoNotSyncRevision = null);
