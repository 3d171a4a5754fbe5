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
            DecisionOutcome.JoinedOutstandingSync => $"{because}: {ExplainJoin(decision)}",
            DecisionOutcome.AlreadySynced => $"{because}{Stamped(decision)}: a sync that completed already read it and wrote it to the CRM: no sync",
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
            DecisionOutcome.SyncQueued =>
                $"changes arrived after version {completion.Version} that it may not have read: a follow-up sync will carry them: sync {Short(decision.SyncId)} queued",
            DecisionOutcome.JoinedOutstandingSync => $"sync {Short(decision.SyncId)} is still outstanding",
            DecisionOutcome.BlockedByDoNotSync => "changes are pending, but Do Not Sync is set: no sync",
            _ when decision.JoinsCovered =>
                $"it read the changes that joined it too (up to version {decision.Version}): covered by sync {Short(completion.SyncId)}: nothing pending",
            _ => "nothing further to sync",
        };
        return $"{finished}: {next}";
    }

    /// <summary>
    /// What becomes of a change that joined an outstanding sync. The sync may or may not have read the prospect yet, so only an
    /// activity is certain to be covered; a stamped change is covered if the sync reads it, and an unstamped one never is.
    /// </summary>
    private static string ExplainJoin(SyncDecision decision)
    {
        var sync = $"sync {Short(decision.SyncId)}";
        return decision.Stamp switch
        {
            { By: SyncCoverage.NoMappedField } =>
                $"covered by {sync}, already queued: an activity changes no field a sync writes, so it needs no sync of its own",
            { By: SyncCoverage.ProspectRevision, Revision: { } revision } =>
                $"{sync} is already queued and covers it if it reads the prospect at revision {revision} or later; otherwise a follow-up sync will carry it",
            { By: SyncCoverage.CrmLastModified, CrmLastModified: { } modified } =>
                $"{sync} is already queued and covers it if its CRM lookup reads LastModifiedDate {Time(modified, decision.At, precise: true)} or later; otherwise a follow-up sync will carry it",
            { } => $"{sync} is already queued, but nothing shows whether it will read this change: a follow-up sync will carry it",
            null => $"{sync} is already queued; a follow-up sync will carry whatever it does not cover",
        };
    }

    /// <summary>The stamp an already-synced change carried, in brackets after its rule.</summary>
    private static string Stamped(SyncDecision decision) => decision.Stamp switch
    {
        { By: SyncCoverage.ProspectRevision, Revision: { } revision } => $" (revision {revision})",
        { By: SyncCoverage.CrmLastModified, CrmLastModified: { } modified } => $" (LastModifiedDate {Time(modified, decision.At, precise: true)})",
        _ => "",
    };

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
