using System.Text.Json.Serialization;

namespace Sync.Rules;

/// <summary>What the evaluator decided for one event, and the facts it decided on. <see cref="DecisionExplainer"/> puts it into words.</summary>
public sealed record SyncDecision
{
    /// <summary>When it was decided, by Redis's clock.</summary>
    public required DateTimeOffset At { get; init; }

    public required Guid EventId { get; init; }

    public required string EventType { get; init; }

    public required string Rule { get; init; }

    public required DecisionOutcome Outcome { get; init; }

    public ProspectDate Moved { get; init; }

    /// <summary>The date the event reported, by its publisher's clock.</summary>
    public DateTimeOffset? ReportedDate { get; init; }

    /// <summary>The date recorded: the reported one, or the evaluator's clock when the reported one was too far ahead.</summary>
    public DateTimeOffset? RecordedDate { get; init; }

    public bool DateClamped { get; init; }

    /// <summary>The last-synced date when the event arrived.</summary>
    public DateTimeOffset? LastSyncedAt { get; init; }

    /// <summary>The sync queued, joined or issued again.</summary>
    public Guid? SyncId { get; init; }

    /// <summary>The prospect's version after the event.</summary>
    public long Version { get; init; }

    /// <summary>For a completion: the sync that finished and how.</summary>
    public SyncCompletion? Completion { get; init; }

    /// <summary>For a sync issued again: the issue its SyncRequested carries (2 the first time).</summary>
    public int? Issue { get; init; }

    /// <summary>
    /// For a change that joined an outstanding sync, or that a completed sync had already read: the stamp that decides (or
    /// decided) whether a sync read it.
    /// </summary>
    public ChangeStamp? Stamp { get; init; }

    /// <summary>For a completion: it read every change that joined its sync, so it covered them too and no follow-up is needed for them.</summary>
    public bool JoinsCovered { get; init; }

    /// <summary>
    /// Whether this decision takes the place of <paramref name="newest"/>, the newest one kept, instead of a slot of its own: it is
    /// one more retried publish of the same sync. A broker away for minutes has every publish retried each publish grace, which
    /// would otherwise push every real decision out of the history.
    /// </summary>
    public bool Replaces(SyncDecision newest) =>
        Outcome == DecisionOutcome.PublishRetried && newest.Outcome == DecisionOutcome.PublishRetried && newest.SyncId == SyncId;
}

[JsonConverter(typeof(JsonStringEnumConverter<DecisionOutcome>))]
public enum DecisionOutcome
{
    /// <summary>A new SyncRequested was issued.</summary>
    SyncQueued,

    /// <summary>
    /// A sync is already outstanding: it covers this change if <see cref="SyncDecision.Stamp"/> shows it read it (or the change
    /// alters no field it writes); if not, a follow-up sync carries it once it completes.
    /// </summary>
    JoinedOutstandingSync,

    /// <summary>A sync that completed already read this change (by its stamp) and wrote it to the CRM: no sync for it.</summary>
    AlreadySynced,

    /// <summary>The rule never syncs.</summary>
    NoSync,

    /// <summary>The sync's own write.</summary>
    OwnWrite,

    /// <summary>Do Not Sync is set.</summary>
    BlockedByDoNotSync,

    /// <summary>Nothing is newer than the last sync.</summary>
    NothingPending,

    /// <summary>A Do Not Sync change older (by prospect revision) than one already applied.</summary>
    OutOfOrderIgnored,

    /// <summary>The outstanding sync was published but not completed within its lease; it was issued again with the same sync id.</summary>
    SyncReissued,

    /// <summary>The outstanding sync's publish was not confirmed within the publish grace; it was published again with the same sync id.</summary>
    PublishRetried,
}
