using System.Globalization;
using Sync.Contracts;

namespace Sync.Rules;

/// <summary>Puts a <see cref="SyncDecision"/> into the plain words an operator reads on the sync-status page.</summary>
public static class DecisionExplainer
{
    public static string Explain(SyncDecision decision)
    {
        var rule = SyncRules.Find(decision.Rule);
        var because = rule?.Because ?? decision.Rule;
        var text = decision.Outcome switch
        {
            DecisionOutcome.SyncReissued =>
                $"Sync {Short(decision.SyncId)} was not completed within its lease: issued again with the same sync id{IssueOf(decision)}",
            DecisionOutcome.PublishRetried =>
                $"Sync {Short(decision.SyncId)} was not confirmed published within the publish grace: published again with the same sync id{IssueOf(decision)}",
            _ when decision.Completion is { } completion => ExplainCompletion(decision, completion),
            DecisionOutcome.SyncQueued when rule?.Effect == SyncEffect.ClearDoNotSync =>
                $"{because}: changes held back since {LastSynced(decision)}: sync queued",
            DecisionOutcome.SyncQueued when rule?.Effect == SyncEffect.Force => $"{because}: sync queued",
            DecisionOutcome.SyncQueued => $"{because}: {Comparison(decision)}: sync queued",
            DecisionOutcome.JoinedOutstandingSync =>
                $"{because}: sync {Short(decision.SyncId)} is already queued and will cover it: no second sync",
            DecisionOutcome.BlockedByDoNotSync when rule?.Effect == SyncEffect.SetDoNotSync =>
                "Do Not Sync is set: no sync until it is cleared",
            DecisionOutcome.BlockedByDoNotSync => $"{because}, but Do Not Sync is set: no sync",
            DecisionOutcome.NothingPending => $"{because}: nothing changed since {LastSynced(decision)}: no sync",
            DecisionOutcome.OutOfOrderIgnored =>
                $"{because} arrived after a newer Do Not Sync change of the prospect: ignored",
            DecisionOutcome.NoSync or DecisionOutcome.OwnWrite => $"{because}: no sync",
            _ => $"{because}: {decision.Outcome}",
        };
        return decision.DateClamped ? $"{text} ({Clamping(decision)})" : text;
    }

    private static string ExplainCompletion(SyncDecision decision, SyncCompletion completion)
    {
        var finished = completion.Outcome switch
        {
            SyncOutcome.Synced => $"Sync {Short(completion.SyncId)} recorded (version {completion.Version})",
            SyncOutcome.SkippedDoNotSync => $"Sync {Short(completion.SyncId)} wrote nothing because Do Not Sync was set",
            SyncOutcome.CrmRecordDeleted => $"Sync {Short(completion.SyncId)} found the CRM record deleted; the prospect is flagged and not re-created",
            SyncOutcome.Failed => $"Sync {Short(completion.SyncId)} failed permanently and is on the sync-error list",
            _ => $"Sync {Short(completion.SyncId)} ended: {completion.Outcome}",
        };
        var next = decision.Outcome switch
        {
            DecisionOutcome.SyncQueued when completion.Outcome == SyncOutcome.SkippedDoNotSync && decision.Version <= completion.Version =>
                $"Do Not Sync has been cleared since: sync {Short(decision.SyncId)} queued",
            DecisionOutcome.SyncQueued => $"changes arrived after version {completion.Version}: sync {Short(decision.SyncId)} queued",
            DecisionOutcome.JoinedOutstandingSync => $"sync {Short(decision.SyncId)} is still outstanding",
            DecisionOutcome.BlockedByDoNotSync => "changes are pending, but Do Not Sync is set: no sync",
            _ => "nothing further to sync",
        };
        return $"{finished}: {next}";
    }

    private static string Comparison(SyncDecision decision)
    {
        if (decision.RecordedDate is not { } date || decision.Moved == ProspectDate.None)
            return "whatever changed";
        var label = Label(decision.Moved);
        if (decision.LastSyncedAt is not { } lastSynced)
            return $"{label} {Time(date, decision.At)}, never synced before";
        // Within one second the comparison only reads right with milliseconds.
        var precise = date.ToUnixTimeMilliseconds() / 1000 == lastSynced.ToUnixTimeMilliseconds() / 1000;
        return date > lastSynced
            ? $"{label} {Time(date, decision.At, precise)} is newer than last synced {Time(lastSynced, decision.At, precise)}"
            // Versions, not clocks, decide: a change that arrived after the last sync is new, whatever its clock said.
            : $"{label} {Time(date, decision.At, precise)} is a change made after last synced {Time(lastSynced, decision.At, precise)}, though its clock reads earlier";
    }

    private static string Clamping(SyncDecision decision) =>
        $"its date {Time(decision.ReportedDate ?? decision.At, decision.At)} was ahead of the evaluator's clock, so {Time(decision.At, decision.At)} was recorded";

    private static string LastSynced(SyncDecision decision) =>
        decision.LastSyncedAt is { } lastSynced ? $"last synced {Time(lastSynced, decision.At)}" : "the last sync";

    public static string Label(ProspectDate date) => date switch
    {
        ProspectDate.LastActivity => "last activity",
        ProspectDate.UpdatedAt => "updated at",
        ProspectDate.CrmLastModified => "CRM last modified",
        _ => "date",
    };

    /// <summary>Times on the decision's own day read as 10:02:03 (10:02:03.120 when precise); others carry their date. Always UTC.</summary>
    private static string Time(DateTimeOffset value, DateTimeOffset decidedAt, bool precise = false)
    {
        var utc = value.ToUniversalTime();
        var time = precise ? "HH:mm:ss.fff" : "HH:mm:ss";
        return utc.Date == decidedAt.ToUniversalTime().Date
            ? utc.ToString(time, CultureInfo.InvariantCulture)
            : utc.ToString($"yyyy-MM-dd {time}", CultureInfo.InvariantCulture) + " UTC";
    }

    private static string IssueOf(SyncDecision decision) => decision.Issue is { } issue ? $" (issue {issue})" : "";

    private static string Short(Guid? id) => id is { } value ? value.ToString("N")[..8] : "?";
}
