using Sync.Contracts;
using Sync.Rules;
using Sync.SyncEvaluator.Storage;

namespace Sync.SyncEvaluator.Apis;

/// <summary>Why a prospect is (or is not) being synced: its dates, Do Not Sync, the outstanding sync and the latest decisions.</summary>
/// <param name="ChangesPending">A change no sync has settled yet: a sync is outstanding for it, or Do Not Sync holds it back.</param>
/// <param name="ChangesNotInCrm">
/// A change the CRM does not have: a pending one, or one whose sync failed permanently or was skipped for Do Not Sync (no sync
/// comes for it by itself: the next change, an operator's forced sync or clearing Do Not Sync brings it).
/// </param>
public sealed record SyncStatusResponse(
    long ProspectId,
    DateTimeOffset? LastActivityAt,
    DateTimeOffset? UpdatedAt,
    DateTimeOffset? CrmLastModifiedAt,
    DateTimeOffset? LastSyncedAt,
    bool DoNotSync,
    bool SyncOutstanding,
    OutstandingSyncResponse? OutstandingSync,
    bool ChangesPending,
    bool ChangesNotInCrm,
    long Version,
    long SyncedVersion,
    long SettledVersion,
    string? PendingRule,
    IReadOnlyList<DecisionResponse> Decisions)
{
    public static SyncStatusResponse From(ProspectSyncStatus status)
    {
        var state = status.State;
        return new SyncStatusResponse(
            status.ProspectId,
            state.LastActivityAt,
            state.UpdatedAt,
            state.CrmLastModifiedAt,
            state.LastSyncedAt,
            state.DoNotSync,
            state.Outstanding is not null,
            OutstandingSyncResponse.From(state.Outstanding),
            state.ChangesPending,
            state.ChangesNotInCrm,
            state.Version,
            state.SyncedVersion,
            state.SettledVersion,
            state.PendingRule,
            status.Decisions.Select(DecisionResponse.From).ToList());
    }
}

/// <param name="Issue">How many times it has been issued; more than 1 after a publish not confirmed in time or a lease that ran out.</param>
/// <param name="LeaseExpiries">How many of its leases ran out after a confirmed publish; each doubled the next lease.</param>
/// <param name="LeaseUntil">When it is issued again if no completion came (the publish grace until the broker confirmed it).</param>
/// <param name="Published">Whether the broker confirmed its latest publish.</param>
public sealed record OutstandingSyncResponse(
    Guid SyncId, long Version, string Rule, int Issue, int LeaseExpiries, DateTimeOffset IssuedAt, DateTimeOffset LeaseUntil, bool Published)
{
    public static OutstandingSyncResponse? From(OutstandingSync? sync) =>
        sync is null
            ? null
            : new(sync.SyncId, sync.Version, sync.Rule, sync.Issue, sync.LeaseExpiries, sync.IssuedAt, sync.LeaseUntil, sync.Published);
}

/// <param name="Explanation">The decision in plain words, such as "E-mail open is passive (scanners open mail too): no sync".</param>
/// <param name="Issue">For a sync issued again: the issue its SyncRequested carries.</param>
public sealed record DecisionResponse(
    DateTimeOffset At,
    string EventType,
    Guid EventId,
    string Rule,
    DecisionOutcome Outcome,
    string Explanation,
    ProspectDate Moved,
    DateTimeOffset? ReportedDate,
    DateTimeOffset? RecordedDate,
    bool DateClamped,
    Guid? SyncId,
    long Version,
    int? Issue)
{
    public static DecisionResponse From(SyncDecision decision) => new(
        decision.At,
        decision.EventType,
        decision.EventId,
        decision.Rule,
        decision.Outcome,
        DecisionExplainer.Explain(decision),
        decision.Moved,
        decision.ReportedDate,
        decision.RecordedDate,
        decision.DateClamped,
        decision.SyncId,
        decision.Version,
        decision.Issue);
}

/// <summary>
/// An event to try against the prospect's current state. <paramref name="EventType"/> names the contract; <paramref name="Event"/>
/// holds its members as on the bus, where eventId, prospectId and occurredAt (and an import's importId and prospectIds) may be left out.
/// </summary>
public sealed record WhatIfRequest(string? EventType = null, System.Text.Json.Nodes.JsonObject? Event = null);

/// <param name="Applied">False when this event id was applied before: it would change nothing of its own.</param>
/// <param name="WouldPublish">The SyncRequested the event would publish, if any.</param>
/// <param name="Reissue">
/// When the outstanding sync's time has run out, the event would issue it again (as the relay would): that decision, and
/// <paramref name="WouldPublish"/> is its request.
/// </param>
public sealed record WhatIfResponse(
    long ProspectId,
    bool ProspectKnown,
    string EventType,
    Guid EventId,
    bool Applied,
    DecisionResponse? Decision,
    SyncRequested? WouldPublish,
    OutstandingSyncResponse? OutstandingSyncAfter,
    DecisionResponse? Reissue);

public sealed record RuleResponse(string Name, ProspectDate Moves, SyncEffect Effect, bool QueuesSync, string Because)
{
    public static RuleResponse From(SyncRule rule) => new(rule.Name, rule.Moves, rule.Effect, rule.QueuesSync, rule.Because);
}
