using Sync.Contracts;
using Sync.Rules;
using Sync.SyncEvaluator.Apis;

namespace Sync.SyncEvaluator.Tests.Pipeline;

/// <summary>
/// Every trigger and non-trigger of the reference article, each through the real pipeline: the event goes in on RabbitMQ, the
/// decision is read back from the sync-status API (the barrier), and the sync-worker queue then holds one SyncRequested or,
/// once the consumer has finished with the event, none.
/// </summary>
public abstract class RuleTableTests(EvaluatorHost evaluator)
{
    private sealed record Case(string Rule, DecisionOutcome Outcome, Func<long, object> Event);

    private static readonly Dictionary<string, Case> Cases = new()
    {
        // Last activity: intent.
        ["page view by an identified visitor with a tracking cookie"] = new(nameof(SyncRules.TrackedPageView), DecisionOutcome.SyncQueued,
            id => Events.Activity(id, ActivityKind.PageView)),
        ["form submission"] = new(nameof(SyncRules.FormSubmission), DecisionOutcome.SyncQueued, id => Events.Activity(id, ActivityKind.FormSubmission)),
        ["form handler submission"] = new(nameof(SyncRules.FormHandlerSubmission), DecisionOutcome.SyncQueued,
            id => Events.Activity(id, ActivityKind.FormHandlerSubmission)),
        ["custom redirect click"] = new(nameof(SyncRules.CustomRedirectClick), DecisionOutcome.SyncQueued,
            id => Events.Activity(id, ActivityKind.CustomRedirectClick)),
        ["tracked link click in an e-mail"] = new(nameof(SyncRules.EmailLinkClick), DecisionOutcome.SyncQueued,
            id => Events.Activity(id, ActivityKind.EmailLinkClick)),

        // Updated at: the prospect record changed on the marketing side.
        ["unsubscribe"] = new(nameof(SyncRules.Unsubscribe), DecisionOutcome.SyncQueued, id => Events.ProspectChange(id, ProspectChangeKind.Unsubscribed)),
        ["prospect field change"] = new(nameof(SyncRules.ProspectFieldChange), DecisionOutcome.SyncQueued,
            id => Events.ProspectChange(id, ProspectChangeKind.FieldsUpdated)),
        ["assigned user change"] = new(nameof(SyncRules.AssignedUserChange), DecisionOutcome.SyncQueued,
            id => Events.ProspectChange(id, ProspectChangeKind.AssignedUserChanged)),
        ["automation rule that changes the prospect"] = new(nameof(SyncRules.AutomationRuleChange), DecisionOutcome.SyncQueued,
            id => Events.ProspectChange(id, ProspectChangeKind.FieldsUpdated, ChangeOrigin.AutomationRule)),
        ["added to a CRM campaign by a form completion action"] = new(nameof(SyncRules.CrmCampaignAdded), DecisionOutcome.SyncQueued,
            id => Events.ProspectChange(id, ProspectChangeKind.AddedToCrmCampaign, ChangeOrigin.FormCompletionAction)),
        ["added to a CRM campaign by an automation rule"] = new(nameof(SyncRules.CrmCampaignAdded), DecisionOutcome.SyncQueued,
            id => Events.ProspectChange(id, ProspectChangeKind.AddedToCrmCampaign, ChangeOrigin.AutomationRule)),
        ["added to a CRM campaign by an engagement program"] = new(nameof(SyncRules.CrmCampaignAdded), DecisionOutcome.SyncQueued,
            id => Events.ProspectChange(id, ProspectChangeKind.AddedToCrmCampaign, ChangeOrigin.EngagementProgram)),
        ["new prospect"] = new(nameof(SyncRules.ProspectCreated), DecisionOutcome.SyncQueued,
            id => Events.ProspectChange(id, ProspectChangeKind.Created, ChangeOrigin.FormSubmission)),

        // CRM last modified: a Lead or Contact changed in the CRM.
        ["CRM Lead field change"] = new(nameof(SyncRules.CrmFieldChange), DecisionOutcome.SyncQueued,
            id => Events.CrmChange(id, CrmObjectType.Lead, CrmChangeKind.Updated, DateTimeOffset.UtcNow)),
        ["CRM Contact field change"] = new(nameof(SyncRules.CrmFieldChange), DecisionOutcome.SyncQueued,
            id => Events.CrmChange(id, CrmObjectType.Contact, CrmChangeKind.Updated, DateTimeOffset.UtcNow)),
        ["CRM owner change"] = new(nameof(SyncRules.CrmOwnerChange), DecisionOutcome.SyncQueued,
            id => Events.CrmChange(id, CrmObjectType.Contact, CrmChangeKind.OwnerChanged, DateTimeOffset.UtcNow)),
        ["CRM record created"] = new(nameof(SyncRules.CrmRecordCreated), DecisionOutcome.SyncQueued,
            id => Events.CrmChange(id, CrmObjectType.Lead, CrmChangeKind.Created, DateTimeOffset.UtcNow)),
        ["CRM record deleted"] = new(nameof(SyncRules.CrmRecordDeleted), DecisionOutcome.SyncQueued,
            id => Events.CrmChange(id, CrmObjectType.Lead, CrmChangeKind.Deleted, DateTimeOffset.UtcNow)),

        // Forced.
        ["import"] = new(nameof(SyncRules.Import), DecisionOutcome.SyncQueued, id => Events.Import(id)),
        ["operator forced sync"] = new(nameof(SyncRules.OperatorForcedSync), DecisionOutcome.SyncQueued, id => Events.Forced(id)),

        // Never.
        ["e-mail open"] = new(nameof(SyncRules.EmailOpen), DecisionOutcome.NoSync, id => Events.Activity(id, ActivityKind.EmailOpen)),
        ["page view before the tracking cookie"] = new(nameof(SyncRules.AnonymousPageView), DecisionOutcome.NoSync,
            id => Events.Activity(id, ActivityKind.PageView, hadCookie: false)),
        ["page view by a visitor who opted out of tracking"] = new(nameof(SyncRules.OptedOutPageView), DecisionOutcome.NoSync,
            id => Events.Activity(id, ActivityKind.PageView, optedOut: true)),
        ["CRM formula field recalculated"] = new(nameof(SyncRules.CrmFormulaFieldChange), DecisionOutcome.NoSync,
            id => Events.CrmChange(id, CrmObjectType.Lead, CrmChangeKind.FormulaRecalculated, null)),
        ["CRM update that left LastModifiedDate where it was"] = new(nameof(SyncRules.CrmLastModifiedUnchanged), DecisionOutcome.NoSync,
            id => Events.CrmChange(id, CrmObjectType.Contact, CrmChangeKind.Updated, null)),
        ["CRM Account change"] = new(nameof(SyncRules.CrmAccountChange), DecisionOutcome.NoSync,
            id => Events.CrmChange(id, CrmObjectType.Account, CrmChangeKind.Updated, DateTimeOffset.UtcNow)),
        ["the sync's own write to the prospect"] = new(nameof(SyncRules.SyncOwnWrite), DecisionOutcome.OwnWrite,
            id => Events.ProspectChange(id, ProspectChangeKind.FieldsUpdated, ChangeOrigin.Sync)),
        ["Do Not Sync set"] = new(nameof(SyncRules.DoNotSyncSet), DecisionOutcome.BlockedByDoNotSync,
            id => Events.ProspectChange(id, ProspectChangeKind.DoNotSyncSet, ChangeOrigin.User, revision: 1)),
    };

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task EventIsDecidedUnderItsRuleAndQueuesASyncOnlyIfTheRuleSays(string caseName)
    {
        var expected = Cases[caseName];
        var prospect = EvaluatorHost.NewProspect();
        var message = expected.Event(prospect);

        await evaluator.PublishEvent(message);
        var decision = await evaluator.Decision(prospect, Events.IdOf(message));
        await evaluator.Consumed(Events.IdOf(message));

        Assert.Equal(expected.Rule, decision.Rule);
        Assert.Equal(expected.Outcome, decision.Outcome);
        var rule = SyncRules.Named(expected.Rule);
        var requests = await evaluator.SyncRequests(prospect);
        var status = (await evaluator.Status(prospect))!;
        if (rule.QueuesSync)
        {
            var request = Assert.Single(requests);
            Assert.Equal((decision.SyncId, 1L, expected.Rule, 1), (request.SyncId, request.Version, request.Rule, request.Issue));
            Assert.StartsWith(rule.Because + ": ", decision.Explanation, StringComparison.Ordinal);
            Assert.EndsWith(": sync queued", decision.Explanation, StringComparison.Ordinal);
            Assert.True(status.SyncOutstanding);
            Assert.Equal(request.SyncId, status.OutstandingSync!.SyncId);
            Assert.True(status.OutstandingSync.Published);
        }
        else
        {
            Assert.Empty(requests);
            Assert.Contains(": no sync", decision.Explanation, StringComparison.Ordinal);
            Assert.False(status.SyncOutstanding);
        }
    }

    [Fact]
    public async Task ImportSyncsEveryProspectInTheFileEvenUnchangedOnes()
    {
        var unchanged = EvaluatorHost.NewProspect();
        var first = Events.Activity(unchanged, ActivityKind.FormSubmission);
        await evaluator.Publish(first);
        var firstRequest = (await evaluator.SyncRequests(unchanged, 1))[0];
        var completion = Events.Completed(firstRequest);
        await evaluator.Publish(completion);
        Assert.Equal(DecisionOutcome.NothingPending, (await evaluator.Decision(unchanged, completion.EventId)).Outcome);
        var others = new[] { EvaluatorHost.NewProspect(), EvaluatorHost.NewProspect() };

        var import = Events.Import([unchanged, .. others]);
        await evaluator.Publish(import);

        foreach (var prospect in others.Prepend(unchanged))
        {
            var decision = await evaluator.Decision(prospect, import.EventId);
            Assert.Equal((nameof(SyncRules.Import), DecisionOutcome.SyncQueued), (decision.Rule, decision.Outcome));
        }
        await evaluator.Consumed(import.EventId);
        Assert.Equal(2, (await evaluator.SyncRequests(unchanged)).Count);
        foreach (var prospect in others)
            Assert.Single(await evaluator.SyncRequests(prospect));
    }
}
