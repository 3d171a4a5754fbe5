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
}

[JsonConverter(typeof(JsonStringEnumConverter<DecisionOutcome>))]
public enum DecisionOutcome
{
    /// <summary>A new SyncRequested was issued.</summary>
    SyncQueued,

    /// <summary>A sync is already outstanding and will cover this change.</summary>
    JoinedOutstandingSync,

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

    /// <summary>The outstanding sync's lease ran out; it was issued again with the same sync id.</summary>
    SyncReissued,
}
