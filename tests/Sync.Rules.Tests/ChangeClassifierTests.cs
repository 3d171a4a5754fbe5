using Sync.Contracts;
using Sync.Rules;
using Sync.Testing;

namespace Sync.Rules.Tests;

[FastLane]
public class ChangeClassifierTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);

    public static TheoryData<string, ActivityKind, bool, bool, bool> Activities => new()
    {
        { nameof(SyncRules.TrackedPageView), ActivityKind.PageView, true, false, true },
        { nameof(SyncRules.AnonymousPageView), ActivityKind.PageView, false, false, false },
        { nameof(SyncRules.OptedOutPageView), ActivityKind.PageView, true, true, false },
        { nameof(SyncRules.FormSubmission), ActivityKind.FormSubmission, true, false, true },
        { nameof(SyncRules.FormHandlerSubmission), ActivityKind.FormHandlerSubmission, true, false, true },
        { nameof(SyncRules.CustomRedirectClick), ActivityKind.CustomRedirectClick, true, false, true },
        { nameof(SyncRules.EmailLinkClick), ActivityKind.EmailLinkClick, true, false, true },
        { nameof(SyncRules.EmailOpen), ActivityKind.EmailOpen, true, false, false },
    };

    [Theory]
    [MemberData(nameof(Activities))]
    public void ActivityFallsUnderItsRule(string expectedRule, ActivityKind kind, bool hadCookie, bool optedOut, bool queuesSync)
    {
        var rule = ChangeClassifier.RuleFor(new ProspectActivityRecorded
        {
            EventId = Guid.NewGuid(), ProspectId = 1, OccurredAt = At, Kind = kind,
            VisitorHadTrackingCookie = hadCookie, VisitorOptedOutOfTracking = optedOut,
        });

        Assert.Equal(expectedRule, rule.Name);
        Assert.Equal(queuesSync, rule.QueuesSync);
    }

    public static TheoryData<string, ProspectChangeKind, ChangeOrigin, bool> ProspectChanges => new()
    {
        { nameof(SyncRules.ProspectCreated), ProspectChangeKind.Created, ChangeOrigin.FormSubmission, true },
        { nameof(SyncRules.ProspectFieldChange), ProspectChangeKind.FieldsUpdated, ChangeOrigin.User, true },
        { nameof(SyncRules.ProspectFieldChange), ProspectChangeKind.FieldsUpdated, ChangeOrigin.Import, true },
        { nameof(SyncRules.AssignedUserChange), ProspectChangeKind.AssignedUserChanged, ChangeOrigin.User, true },
        { nameof(SyncRules.Unsubscribe), ProspectChangeKind.Unsubscribed, ChangeOrigin.User, true },
        { nameof(SyncRules.AutomationRuleChange), ProspectChangeKind.FieldsUpdated, ChangeOrigin.AutomationRule, true },
        { nameof(SyncRules.AutomationRuleChange), ProspectChangeKind.AssignedUserChanged, ChangeOrigin.AutomationRule, true },
        { nameof(SyncRules.CrmCampaignAdded), ProspectChangeKind.AddedToCrmCampaign, ChangeOrigin.FormCompletionAction, true },
        { nameof(SyncRules.CrmCampaignAdded), ProspectChangeKind.AddedToCrmCampaign, ChangeOrigin.AutomationRule, true },
        { nameof(SyncRules.CrmCampaignAdded), ProspectChangeKind.AddedToCrmCampaign, ChangeOrigin.EngagementProgram, true },
        { nameof(SyncRules.SyncOwnWrite), ProspectChangeKind.FieldsUpdated, ChangeOrigin.Sync, false },
        { nameof(SyncRules.DoNotSyncSet), ProspectChangeKind.DoNotSyncSet, ChangeOrigin.AutomationRule, false },
        { nameof(SyncRules.DoNotSyncCleared), ProspectChangeKind.DoNotSyncCleared, ChangeOrigin.User, false },
    };

    [Theory]
    [MemberData(nameof(ProspectChanges))]
    public void ProspectChangeFallsUnderItsRule(string expectedRule, ProspectChangeKind kind, ChangeOrigin origin, bool queuesSync)
    {
        var rule = ChangeClassifier.RuleFor(new ProspectChanged
        {
            EventId = Guid.NewGuid(), ProspectId = 1, OccurredAt = At, Kind = kind, Origin = origin,
            SyncId = origin == ChangeOrigin.Sync ? Guid.NewGuid() : null,
        });

        Assert.Equal(expectedRule, rule.Name);
        Assert.Equal(queuesSync, rule.QueuesSync);
    }

    public static TheoryData<string, CrmObjectType, CrmChangeKind, bool, bool> CrmChanges => new()
    {
        { nameof(SyncRules.CrmFieldChange), CrmObjectType.Lead, CrmChangeKind.Updated, true, true },
        { nameof(SyncRules.CrmFieldChange), CrmObjectType.Contact, CrmChangeKind.Updated, true, true },
        { nameof(SyncRules.CrmOwnerChange), CrmObjectType.Contact, CrmChangeKind.OwnerChanged, true, true },
        { nameof(SyncRules.CrmRecordCreated), CrmObjectType.Lead, CrmChangeKind.Created, true, true },
        { nameof(SyncRules.CrmRecordDeleted), CrmObjectType.Lead, CrmChangeKind.Deleted, false, true },
        { nameof(SyncRules.CrmFormulaFieldChange), CrmObjectType.Lead, CrmChangeKind.FormulaRecalculated, false, false },
        { nameof(SyncRules.CrmLastModifiedUnchanged), CrmObjectType.Contact, CrmChangeKind.Updated, false, false },
        { nameof(SyncRules.CrmLastModifiedUnchanged), CrmObjectType.Lead, CrmChangeKind.Created, false, false },
        { nameof(SyncRules.CrmLastModifiedUnchanged), CrmObjectType.Lead, CrmChangeKind.OwnerChanged, false, false },
        { nameof(SyncRules.CrmAccountChange), CrmObjectType.Account, CrmChangeKind.Updated, true, false },
    };

    [Theory]
    [MemberData(nameof(CrmChanges))]
    public void CrmChangeFallsUnderItsRule(string expectedRule, CrmObjectType type, CrmChangeKind kind, bool movedLastModified, bool queuesSync)
    {
        var rule = ChangeClassifier.RuleFor(new CrmRecordChanged
        {
            EventId = Guid.NewGuid(), ProspectId = 1, OccurredAt = At, ObjectType = type, CrmRecordId = "00Q1", Kind = kind,
            LastModifiedDate = movedLastModified ? At : null,
        });

        Assert.Equal(expectedRule, rule.Name);
        Assert.Equal(queuesSync, rule.QueuesSync);
    }

    [Fact]
    public void ImportForcesASyncOfEveryProspectInTheFileOnce()
    {
        var changes = ChangeClassifier.Classify(new ProspectsImported
        {
            EventId = Guid.NewGuid(), ImportId = Guid.NewGuid(), OccurredAt = At, ProspectIds = [1, 2, 2, 3],
        }).ToList();

        Assert.Equal([1L, 2L, 3L], changes.Select(change => change.ProspectId));
        Assert.All(changes, change => Assert.Equal(SyncEffect.Force, change.Rule.Effect));
    }

    [Theory]
    [InlineData(new[] { "doNotSync" }, ChangeOrigin.AutomationRule, null)]
    [InlineData(new[] { "doNotSync", "company" }, ChangeOrigin.AutomationRule, nameof(SyncRules.AutomationRuleChange))]
    [InlineData(new[] { "assignedUser", "doNotSync" }, ChangeOrigin.User, nameof(SyncRules.ProspectFieldChange))]
    public void ADoNotSyncChangeNamesWhatTheOtherChangesOfItsEditTrigger(string[] changedFields, ChangeOrigin origin, string? alsoTriggers)
    {
        var change = ChangeClassifier.Classify(new ProspectChanged
        {
            EventId = Guid.NewGuid(), ProspectId = 1, OccurredAt = At, Kind = ProspectChangeKind.DoNotSyncSet, Origin = origin,
            Revision = 4, ChangedFields = changedFields, DoNotSync = true,
        });

        Assert.Equal(nameof(SyncRules.DoNotSyncSet), change.Rule.Name);
        Assert.Equal(alsoTriggers, change.AlsoTriggers?.Name);
    }

    [Fact]
    public void EveryRuleHasAUniqueNameAndAReason()
    {
        Assert.Equal(SyncRules.All.Count, SyncRules.All.Select(rule => rule.Name).Distinct().Count());
        Assert.All(SyncRules.All, rule => Assert.False(string.IsNullOrWhiteSpace(rule.Because)));
        Assert.Same(SyncRules.EmailOpen, SyncRules.Named("EmailOpen"));
    }
}
