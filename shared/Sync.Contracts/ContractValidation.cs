namespace Sync.Contracts;

/// <summary>
/// What every contract must hold beyond its JSON shape, kept with the contracts so an upstream can check a message before
/// it publishes it. Sync's bus checks it before any consumer acts, so a message from an upstream that skipped a member
/// goes to the error queue with a reason instead of through as defaults. Every contract of this assembly has rules here
/// (a test fails for one without); a message that is not a contract has none.
/// </summary>
public static class ContractValidation
{
    /// <summary>What is wrong with <paramref name="message"/>, each problem starting with the member's name; empty when nothing is.</summary>
    public static IReadOnlyList<string> Problems(object message) => message switch
    {
        ProspectActivityRecorded activity => Collect(Common(activity.EventId, activity.ProspectId, activity.OccurredAt),
            Defined(activity.Kind, "kind")),
        ProspectChanged change => Collect(Common(change.EventId, change.ProspectId, change.OccurredAt),
            Defined(change.Kind, "kind"), Defined(change.Origin, "origin"),
            change.Origin == ChangeOrigin.Sync && change.SyncId is null ? ["syncId is required when origin is Sync"] : [],
            change.Revision < 0 ? ["revision must not be negative"] : [],
            // Revisions order Do Not Sync changes without clocks: one without its revision could undo a newer one.
            change.Kind is ProspectChangeKind.DoNotSyncSet or ProspectChangeKind.DoNotSyncCleared && change.Revision == 0
                ? ["revision is required for a Do Not Sync change: it orders them without clocks"] : []),
        CrmRecordChanged change => Collect(Common(change.EventId, change.ProspectId, change.OccurredAt),
            Defined(change.ObjectType, "objectType"), Defined(change.Kind, "kind"),
            string.IsNullOrWhiteSpace(change.CrmRecordId) ? ["crmRecordId is required"] : []),
        ProspectsImported import => Collect(
            import.EventId == Guid.Empty ? ["eventId is required"] : [],
            import.ImportId == Guid.Empty ? ["importId is required"] : [],
            import.OccurredAt == default ? ["occurredAt is required"] : [],
            import.ProspectIds is null or { Count: 0 } ? ["prospectIds must list at least one prospect"] : [],
            import.ProspectIds is { Count: > ProspectsImported.MaxProspectsPerMessage }
                ? [$"prospectIds may list at most {ProspectsImported.MaxProspectsPerMessage} prospects per message"] : [],
            import.ProspectIds?.Any(id => id <= 0) == true ? ["prospectIds must be positive"] : [],
            // Parallel to prospectIds: a revision out of step would cover one prospect's import by another's read.
            import.Revisions is { } revisions && import.ProspectIds is { } ids && revisions.Count != ids.Count
                ? [$"revisions must have as many entries as prospectIds, in the same order: it has {revisions.Count}, prospectIds {ids.Count}"] : [],
            import.Revisions?.Any(revision => revision < 0) == true ? ["revisions must not be negative"] : []),
        ProspectSyncForced forced => Collect(Common(forced.EventId, forced.ProspectId, forced.OccurredAt),
            string.IsNullOrWhiteSpace(forced.Reason) ? ["reason is required"] : []),
        SyncRequested request => Collect(Common(request.EventId, request.ProspectId, request.OccurredAt),
            request.SyncId == Guid.Empty ? ["syncId is required"] : [],
            request.Version <= 0 ? ["version must be positive"] : [],
            string.IsNullOrWhiteSpace(request.Rule) ? ["rule is required"] : []),
        SyncCompleted completed => Collect(Common(completed.EventId, completed.ProspectId, completed.OccurredAt),
            completed.SyncId == Guid.Empty ? ["syncId is required"] : [],
            completed.Version <= 0 ? ["version must be positive"] : [],
            completed.ProspectRevisionRead < 0 ? ["prospectRevisionRead must not be negative"] : [],
            Defined(completed.Outcome, "outcome")),
        _ => [],
    };

    private static IEnumerable<string> Common(Guid eventId, long prospectId, DateTimeOffset occurredAt)
    {
        if (eventId == Guid.Empty)
            yield return "eventId is required";
        if (prospectId <= 0)
            yield return "prospectId must be a positive prospect id";
        if (occurredAt == default)
            yield return "occurredAt is required";
    }

    private static IEnumerable<string> Defined<TEnum>(TEnum value, string member)
        where TEnum : struct, Enum
    {
        if (!Enum.IsDefined(value))
            yield return $"{member} '{value}' is not one of {string.Join(", ", Enum.GetNames<TEnum>())}";
    }

    private static List<string> Collect(params IEnumerable<string>[] problems) => problems.SelectMany(list => list).ToList();
}
