namespace Sync.Rules;

/// <summary>One named rule of the reference article: which event it covers, which date it moves and whether it queues a sync.</summary>
/// <param name="Name">A stable name, shown in every decision and used by tests and dashboards.</param>
/// <param name="Moves">The prospect date the event moves, if any.</param>
/// <param name="Effect">What the rule does to the sync.</param>
/// <param name="Because">Why, in words: the first half of every explanation that names this rule.</param>
public sealed record SyncRule(string Name, ProspectDate Moves, SyncEffect Effect, string Because)
{
    public bool QueuesSync => Effect is SyncEffect.Trigger or SyncEffect.Force;

    /// <summary>
    /// Whether a step under this rule can issue a new sync: a trigger or a forced sync, Do Not Sync being cleared, or a completion
    /// that finds more to sync. The evaluator puts such a prospect on the relay's schedule before the step runs.
    /// </summary>
    public bool MayIssueSync => Effect is SyncEffect.Trigger or SyncEffect.Force or SyncEffect.ClearDoNotSync or SyncEffect.Completion;
}

/// <summary>The three dates the article compares with the last-synced date.</summary>
public enum ProspectDate
{
    None,
    LastActivity,
    UpdatedAt,
    CrmLastModified,
}

public enum SyncEffect
{
    /// <summary>A new change: the prospect needs a sync.</summary>
    Trigger,

    /// <summary>A sync whether or not anything changed (an import, an operator).</summary>
    Force,

    /// <summary>Recorded, never a sync (passive activity, formula fields, Account changes).</summary>
    NoSync,

    /// <summary>The sync's own write: its date is kept, but it is not a new change.</summary>
    OwnWrite,

    SetDoNotSync,

    ClearDoNotSync,

    /// <summary>The worker finished a sync.</summary>
    Completion,
}
