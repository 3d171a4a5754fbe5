using Sync.Contracts;

namespace Sync.Rules;

/// <summary>Names the rule of the reference article that each event falls under.</summary>
public static class ChangeClassifier
{
    public static SyncRule RuleFor(ProspectActivityRecorded activity) => activity.Kind switch
    {
        ActivityKind.PageView when activity.VisitorOptedOutOfTracking => SyncRules.OptedOutPageView,
        ActivityKind.PageView when !activity.VisitorHadTrackingCookie => SyncRules.AnonymousPageView,
        ActivityKind.PageView => SyncRules.TrackedPageView,
        ActivityKind.FormSubmission => SyncRules.FormSubmission,
        ActivityKind.FormHandlerSubmission => SyncRules.FormHandlerSubmission,
        ActivityKind.CustomRedirectClick => SyncRules.CustomRedirectClick,
        ActivityKind.EmailLinkClick => SyncRules.EmailLinkClick,
        ActivityKind.EmailOpen => SyncRules.EmailOpen,
        _ => throw new ArgumentOutOfRangeException(nameof(activity), activity.Kind, "Unknown activity kind."),
    };

    public static SyncRule RuleFor(ProspectChanged change) => change switch
    {
        // Do Not Sync is honoured whoever sets it, so it is decided before anything else.
        { Kind: ProspectChangeKind.DoNotSyncSet } => SyncRules.DoNotSyncSet,
        { Kind: ProspectChangeKind.DoNotSyncCleared } => SyncRules.DoNotSyncCleared,
        { Origin: ChangeOrigin.Sync } => SyncRules.SyncOwnWrite,
        { Kind: ProspectChangeKind.AddedToCrmCampaign } => SyncRules.CrmCampaignAdded,
        { Kind: ProspectChangeKind.Unsubscribed } => SyncRules.Unsubscribe,
        { Origin: ChangeOrigin.AutomationRule } => SyncRules.AutomationRuleChange,
        { Kind: ProspectChangeKind.AssignedUserChanged } => SyncRules.AssignedUserChange,
        { Kind: ProspectChangeKind.Created } => SyncRules.ProspectCreated,
        { Kind: ProspectChangeKind.FieldsUpdated } => SyncRules.ProspectFieldChange,
        _ => throw new ArgumentOutOfRangeException(nameof(change), change.Kind, "Unknown prospect change kind."),
    };

    public static SyncRule RuleFor(CrmRecordChanged change) => change switch
    {
        { ObjectType: CrmObjectType.Account } => SyncRules.CrmAccountChange,
        { Kind: CrmChangeKind.Deleted } => SyncRules.CrmRecordDeleted,
        { Kind: CrmChangeKind.FormulaRecalculated } => SyncRules.CrmFormulaFieldChange,
        // The article compares LastModifiedDate: a change that left it where it was is no trigger, whatever else it touched.
        { LastModifiedDate: null } => SyncRules.CrmLastModifiedUnchanged,
        { Kind: CrmChangeKind.OwnerChanged } => SyncRules.CrmOwnerChange,
        { Kind: CrmChangeKind.Created } => SyncRules.CrmRecordCreated,
        { Kind: CrmChangeKind.Updated } => SyncRules.CrmFieldChange,
        _ => throw new ArgumentOutOfRangeException(nameof(change), change.Kind, "Unknown CRM change kind."),
    };

    public static SyncChange Classify(ProspectActivityRecorded activity) => new()
    {
        EventId = activity.EventId,
        ProspectId = activity.ProspectId,
        EventType = nameof(ProspectActivityRecorded),
        Rule = RuleFor(activity),
        ReportedDate = activity.OccurredAt,
    };

    public static SyncChange Classify(ProspectChanged change) => new()
    {
        EventId = change.EventId,
        ProspectId = change.ProspectId,
        EventType = nameof(ProspectChanged),
        Rule = RuleFor(change),
        ReportedDate = change.OccurredAt,
        Revision = change.Revision,
        AlsoTriggers = AlsoTriggers(change),
    };

    /// <summary>
    /// An edit that set or cleared Do Not Sync and changed other fields too (an automation rule's actions come as one
    /// change, named after Do Not Sync): what those other changes would trigger on their own.
    /// </summary>
    private static SyncRule? AlsoTriggers(ProspectChanged change)
    {
        if (change.Kind is not (ProspectChangeKind.DoNotSyncSet or ProspectChangeKind.DoNotSyncCleared)
            || change.ChangedFields.All(field => string.Equals(field, DoNotSyncField, StringComparison.OrdinalIgnoreCase)))
            return null;
        return change.Origin == ChangeOrigin.AutomationRule ? SyncRules.AutomationRuleChange : SyncRules.ProspectFieldChange;
    }

    /// <summary>The name prospect-editor gives the Do Not Sync flag in <see cref="ProspectChanged.ChangedFields"/>.</summary>
    public const string DoNotSyncField = "doNotSync";

    public static SyncChange Classify(CrmRecordChanged change) => new()
    {
        EventId = change.EventId,
        ProspectId = change.ProspectId,
        EventType = nameof(CrmRecordChanged),
        Rule = RuleFor(change),
        ReportedDate = change.LastModifiedDate ?? change.OccurredAt,
        CrmLastModifiedDate = change.LastModifiedDate,
    };

    /// <summary>
    /// One change per prospect of the import; they share the event id, which is unique per prospect. A prospect listed twice
    /// takes the highest revision given for it.
    /// </summary>
    public static IEnumerable<SyncChange> Classify(ProspectsImported import) =>
        import.ProspectIds
            .Select((prospectId, index) => (ProspectId: prospectId, Revision: import.Revisions is { } revisions && index < revisions.Count ? revisions[index] : 0))
            .GroupBy(entry => entry.ProspectId)
            .Select(prospect => new SyncChange
            {
                EventId = import.EventId,
                ProspectId = prospect.Key,
                EventType = nameof(ProspectsImported),
                Rule = SyncRules.Import,
                ReportedDate = import.OccurredAt,
                Revision = prospect.Max(entry => entry.Revision),
            });

    public static SyncChange Classify(ProspectSyncForced forced) => new()
    {
        EventId = forced.EventId,
        ProspectId = forced.ProspectId,
        EventType = nameof(ProspectSyncForced),
        Rule = SyncRules.OperatorForcedSync,
        ReportedDate = forced.OccurredAt,
    };

    public static SyncChange Classify(SyncCompleted completed) => new()
    {
        EventId = completed.EventId,
        ProspectId = completed.ProspectId,
        EventType = nameof(SyncCompleted),
        Rule = SyncRules.SyncCompleted,
        ReportedDate = completed.OccurredAt,
        Completion = new SyncCompletion(completed.SyncId, completed.Version, completed.Outcome, completed.CrmLastModifiedDate, completed.DoNotSyncRevision,
            completed.ProspectRevisionRead, completed.CrmLastModifiedDateRead),
    };
}
