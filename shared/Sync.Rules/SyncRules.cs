namespace Sync.Rules;

/// <summary>Every trigger and non-trigger of the reference article, by name.</summary>
public static class SyncRules
{
    // Last activity: things the prospect does that show intent.
    public static readonly SyncRule TrackedPageView = new(nameof(TrackedPageView), ProspectDate.LastActivity, SyncEffect.Trigger,
        "Page view by a visitor with a tracking cookie, identified as the prospect, is intent")
        { Coverage = SyncCoverage.NoMappedField };
    public static readonly SyncRule FormSubmission = new(nameof(FormSubmission), ProspectDate.LastActivity, SyncEffect.Trigger,
        "Form submission is intent")
        { Coverage = SyncCoverage.NoMappedField };
    public static readonly SyncRule FormHandlerSubmission = new(nameof(FormHandlerSubmission), ProspectDate.LastActivity, SyncEffect.Trigger,
        "Form handler submission is intent")
        { Coverage = SyncCoverage.NoMappedField };
    public static readonly SyncRule CustomRedirectClick = new(nameof(CustomRedirectClick), ProspectDate.LastActivity, SyncEffect.Trigger,
        "Click on a custom redirect is intent")
        { Coverage = SyncCoverage.NoMappedField };
    public static readonly SyncRule EmailLinkClick = new(nameof(EmailLinkClick), ProspectDate.LastActivity, SyncEffect.Trigger,
        "Click on a tracked link in an e-mail is intent")
        { Coverage = SyncCoverage.NoMappedField };

    // Updated at: a change to the prospect record on the marketing side.
    public static readonly SyncRule ProspectCreated = new(nameof(ProspectCreated), ProspectDate.UpdatedAt, SyncEffect.Trigger,
        "New prospect")
        { Coverage = SyncCoverage.ProspectRevision };
    public static readonly SyncRule ProspectFieldChange = new(nameof(ProspectFieldChange), ProspectDate.UpdatedAt, SyncEffect.Trigger,
        "Prospect field change moves updated at")
        { Coverage = SyncCoverage.ProspectRevision };
    public static readonly SyncRule AssignedUserChange = new(nameof(AssignedUserChange), ProspectDate.UpdatedAt, SyncEffect.Trigger,
        "Assigned user change moves updated at")
        { Coverage = SyncCoverage.ProspectRevision };
    public static readonly SyncRule Unsubscribe = new(nameof(Unsubscribe), ProspectDate.UpdatedAt, SyncEffect.Trigger,
        "Unsubscribe changes the prospect record")
        { Coverage = SyncCoverage.ProspectRevision };
    public static readonly SyncRule AutomationRuleChange = new(nameof(AutomationRuleChange), ProspectDate.UpdatedAt, SyncEffect.Trigger,
        "Automation rule changed the prospect record")
        { Coverage = SyncCoverage.ProspectRevision };
    public static readonly SyncRule CrmCampaignAdded = new(nameof(CrmCampaignAdded), ProspectDate.UpdatedAt, SyncEffect.Trigger,
        "Adding the prospect to a CRM campaign moves updated at")
        { Coverage = SyncCoverage.ProspectRevision };

    // CRM last modified: a Lead or Contact change in the CRM.
    public static readonly SyncRule CrmFieldChange = new(nameof(CrmFieldChange), ProspectDate.CrmLastModified, SyncEffect.Trigger,
        "CRM field change moves LastModifiedDate")
        { Coverage = SyncCoverage.CrmLastModified };
    public static readonly SyncRule CrmOwnerChange = new(nameof(CrmOwnerChange), ProspectDate.CrmLastModified, SyncEffect.Trigger,
        "CRM owner change moves LastModifiedDate")
        { Coverage = SyncCoverage.CrmLastModified };
    public static readonly SyncRule CrmRecordCreated = new(nameof(CrmRecordCreated), ProspectDate.CrmLastModified, SyncEffect.Trigger,
        "CRM record created for the prospect")
        { Coverage = SyncCoverage.CrmLastModified };
    public static readonly SyncRule CrmRecordDeleted = new(nameof(CrmRecordDeleted), ProspectDate.CrmLastModified, SyncEffect.Trigger,
        "CRM record deleted: a sync flags the prospect")
        { Coverage = SyncCoverage.None };

    // Forced.
    public static readonly SyncRule Import = new(nameof(Import), ProspectDate.None, SyncEffect.Force,
        "Import forces a sync of every prospect in the file")
        { Coverage = SyncCoverage.ProspectRevision };
    public static readonly SyncRule OperatorForcedSync = new(nameof(OperatorForcedSync), ProspectDate.None, SyncEffect.Force,
        "An operator asked for a sync")
        { Coverage = SyncCoverage.None };

    // Never a sync.
    public static readonly SyncRule EmailOpen = new(nameof(EmailOpen), ProspectDate.None, SyncEffect.NoSync,
        "E-mail open is passive (scanners open mail too)");
    public static readonly SyncRule AnonymousPageView = new(nameof(AnonymousPageView), ProspectDate.None, SyncEffect.NoSync,
        "Page view before the visitor had a tracking cookie belongs to an anonymous visitor");
    public static readonly SyncRule OptedOutPageView = new(nameof(OptedOutPageView), ProspectDate.None, SyncEffect.NoSync,
        "Page view by a visitor who opted out of tracking belongs to an anonymous visitor");
    public static readonly SyncRule CrmFormulaFieldChange = new(nameof(CrmFormulaFieldChange), ProspectDate.None, SyncEffect.NoSync,
        "CRM formula field change does not move LastModifiedDate");
    public static readonly SyncRule CrmLastModifiedUnchanged = new(nameof(CrmLastModifiedUnchanged), ProspectDate.None, SyncEffect.NoSync,
        "CRM change that did not move LastModifiedDate, the date the sync compares");
    public static readonly SyncRule CrmAccountChange = new(nameof(CrmAccountChange), ProspectDate.None, SyncEffect.NoSync,
        "CRM Account change does not move the Lead or Contact's LastModifiedDate");
    public static readonly SyncRule CustomFieldCreated = new(nameof(CustomFieldCreated), ProspectDate.None, SyncEffect.NoSync,
        "Creating a custom field changes no prospect");

    // The sync's own writes and its bookkeeping.
    public static readonly SyncRule SyncOwnWrite = new(nameof(SyncOwnWrite), ProspectDate.UpdatedAt, SyncEffect.OwnWrite,
        "Written by the sync itself, which is not a new change");
    public static readonly SyncRule DoNotSyncSet = new(nameof(DoNotSyncSet), ProspectDate.UpdatedAt, SyncEffect.SetDoNotSync,
        "Do Not Sync set");
    public static readonly SyncRule DoNotSyncCleared = new(nameof(DoNotSyncCleared), ProspectDate.UpdatedAt, SyncEffect.ClearDoNotSync,
        "Do Not Sync cleared");
    public static readonly SyncRule SyncCompleted = new(nameof(SyncCompleted), ProspectDate.None, SyncEffect.Completion,
        "Sync completed");

    public static IReadOnlyList<SyncRule> All { get; } =
    [
        TrackedPageView, FormSubmission, FormHandlerSubmission, CustomRedirectClick, EmailLinkClick,
        ProspectCreated, ProspectFieldChange, AssignedUserChange, Unsubscribe, AutomationRuleChange, CrmCampaignAdded,
        CrmFieldChange, CrmOwnerChange, CrmRecordCreated, CrmRecordDeleted,
        Import, OperatorForcedSync,
        EmailOpen, AnonymousPageView, OptedOutPageView, CrmFormulaFieldChange, CrmLastModifiedUnchanged, CrmAccountChange, CustomFieldCreated,
        SyncOwnWrite, DoNotSyncSet, DoNotSyncCleared, SyncCompleted,
    ];

    private static readonly Dictionary<string, SyncRule> ByName = All.ToDictionary(rule => rule.Name, StringComparer.Ordinal);

    public static SyncRule Named(string name) =>
        Find(name) ?? throw new ArgumentException($"No sync rule is named '{name}'.", nameof(name));

    /// <summary>The rule of that name; null when none is (a decision recorded under a rule since renamed).</summary>
    public static SyncRule? Find(string? name) => name is null ? null : ByName.GetValueOrDefault(name);
}
