namespace Sync.Rules;

/// <summary>One named rule of the reference article: which event it covers, which date it moves and whether it queues a sync.</summary>
/// <param name="Name">A stable name, shown in every decision and used by tests and dashboards.</param>
/// <param name="Moves">The prospect date the event moves, if any.</param>
/// <param name="Effect">What the rule does to the sync.</param>
/// <param name="Because">Why, in words: the first half of every explanation that names this rule.</param>
public sealed record SyncRule(string Name, ProspectDate Moves, SyncEffect Effect, string Because)
{
    /// <summary>
    /// For a rule that needs a sync: what shows that a sync already outstanding when the change arrived read it, so that the
    /// change needs no follow-up sync. <see cref="SyncCoverage.None"/> for every other rule.
    /// </summary>
    public SyncCoverage Coverage { get; init; }

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

/// <summary>
/// How a change is shown to be in what a sync wrote: by what the change's owner stamps on it (prospect-editor's revision, the
/// CRM's LastModifiedDate), compared with what the worker read, and never by comparing clocks.
/// </summary>
public enum SyncCoverage
{
    /// <summary>Nothing can show it (an operator's forced sync, a CRM deletion): a sync that joins one needs a follow-up.</summary>
    None,

    /// <summary>
    /// The change alters no field the sync writes: an activity only moves last activity, and no mapped field depends on any
    /// activity, so a sync covers it whatever it read, before or after the activity. Should a mapped field ever depend on an
    /// activity (a score, a last-activity field), its rule must move to a stamped coverage.
    /// </summary>
    NoMappedField,

    /// <summary>A marketing-side change (or an import's write): covered by a sync that read the prospect at its revision or later.</summary>
    ProspectRevision,

    /// <summary>A CRM-side change: covered by a sync whose lookup read the record at its LastModifiedDate or later.</summary>
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
