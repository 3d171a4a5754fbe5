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

    /// <summary>
    /// The prospect's revision after a marketing-side change, or as an import wrote it; 0 when unknown. It orders Do Not Sync
    /// changes without clocks, and shows whether a sync read the change (<see cref="SyncCoverage.ProspectRevision"/>).
    /// </summary>
    public long Revision { get; init; }

    /// <summary>For a CRM change: the record's LastModifiedDate after it, which shows whether a sync's lookup read it.</summary>
    public DateTimeOffset? CrmLastModifiedDate { get; init; }

    /// <summary>
    /// For a Do Not Sync change that changed other fields in the same edit (an automation rule's actions, combined): the rule
    /// those other changes fall under. They count like any change, so clearing Do Not Sync later finds them pending.
    /// </summary>
    public SyncRule? AlsoTriggers { get; init; }

    /// <summary>For a completion: the sync that finished, the version it covered and how it ended.</summary>
    public SyncCompletion? Completion { get; init; }

    /// <summary>
    /// For a change that needs a sync (itself, or the other changes of a Do Not Sync edit): what shows whether a sync read it,
    /// by the coverage of its rule. A rule that needs a stamp the change lacks gets <see cref="SyncCoverage.None"/>. Null for
    /// a change that needs no sync.
    /// </summary>
    public ChangeStamp? Stamp => (Rule.QueuesSync ? Rule : AlsoTriggers)?.Coverage switch
    {
        null => null,
        SyncCoverage.NoMappedField => new ChangeStamp(SyncCoverage.NoMappedField),
        SyncCoverage.ProspectRevision when Revision > 0 => new ChangeStamp(SyncCoverage.ProspectRevision, Revision: Revision),
        SyncCoverage.CrmLastModified when CrmLastModifiedDate is { } modified =>
            new ChangeStamp(SyncCoverage.CrmLastModified, CrmLastModified: SyncStateMachine.ToMilliseconds(modified)),
        _ => new ChangeStamp(SyncCoverage.None),
    };
}

/// <summary>What shows whether a sync read a change: its owner's stamp, as <paramref name="By"/> says, never a clock.</summary>
/// <param name="Revision">For <see cref="SyncCoverage.ProspectRevision"/>: the prospect's revision after the change.</param>
/// <param name="CrmLastModified">For <see cref="SyncCoverage.CrmLastModified"/>: the record's LastModifiedDate after the change.</param>
public sealed record ChangeStamp(SyncCoverage By, long? Revision = null, DateTimeOffset? CrmLastModified = null);

/// <param name="DoNotSyncRevision">For a sync skipped for Do Not Sync: the prospect's revision at which the worker read it set.</param>
/// <param name="ProspectRevisionRead">The prospect's revision as the worker read it for this sync, when it says.</param>
/// <param name="CrmLastModifiedDateRead">The CRM record's LastModifiedDate as the worker's lookup read it, before its write.</param>
public sealed record SyncCompletion(
    Guid SyncId, long Version, SyncOutcome Outcome, DateTimeOffset? CrmLastModifiedDate, long? DoNotSyncRevision = null,
    long? ProspectRevisionRead = null, DateTimeOffset? CrmLastModifiedDateRead = null);
