using Sync.Contracts;
using Sync.Rules;

namespace Sync.SyncEvaluator.Tests.Pipeline;

/// <summary>Do Not Sync always prevents a sync while set, whoever sets it and however many prospects at once; clearing it lets one through.</summary>
public abstract class DoNotSyncTests(EvaluatorHost evaluator)
{
    [Fact]
    public async Task DoNotSyncBlocksEveryTriggerWhileDatesStillAdvanceAndClearingItQueuesOneSync()
    {
        var prospect = EvaluatorHost.NewProspect();
        var set = Events.ProspectChange(prospect, ProspectChangeKind.DoNotSyncSet, revision: 5);
        await evaluator.Publish(set);
        await evaluator.Decision(prospect, set.EventId);
        object[] blocked =
        [
            Events.Activity(prospect, ActivityKind.FormSubmission),
            Events.CrmChange(prospect, CrmObjectType.Lead, CrmChangeKind.OwnerChanged, DateTimeOffset.UtcNow),
            Events.Import(prospect),
            Events.Forced(prospect),
        ];

        foreach (var change in blocked)
            await evaluator.PublishEvent(change);
        foreach (var change in blocked)
        {
            var decision = await evaluator.Decision(prospect, Events.IdOf(change));
            Assert.Equal(DecisionOutcome.BlockedByDoNotSync, decision.Outcome);
            Assert.EndsWith(", but Do Not Sync is set: no sync", decision.Explanation, StringComparison.Ordinal);
            await evaluator.Consumed(Events.IdOf(change));
        }
        Assert.Empty(await evaluator.SyncRequests(prospect));
        var held = (await evaluator.Status(prospect))!;
        Assert.True(held.DoNotSync);
        Assert.NotNull(held.LastActivityAt);
        Assert.NotNull(held.CrmLastModifiedAt);
        Assert.True(held.ChangesPending);

        var cleared = Events.ProspectChange(prospect, ProspectChangeKind.DoNotSyncCleared, revision: 6);
        await evaluator.Publish(cleared);
        var decisionOnClear = await evaluator.Decision(prospect, cleared.EventId);

        Assert.Equal((nameof(SyncRules.DoNotSyncCleared), DecisionOutcome.SyncQueued), (decisionOnClear.Rule, decisionOnClear.Outcome));
        var request = (await evaluator.SyncRequests(prospect, 1)).Single();
        Assert.Equal(4, request.Version);
        await evaluator.Consumed(cleared.EventId);
        Assert.Single(await evaluator.SyncRequests(prospect));
    }

    [Fact]
    public async Task AnAutomationRuleThatSetsDoNotSyncAndChangesAFieldHoldsThatChangeUntilDoNotSyncIsCleared()
    {
        var prospect = EvaluatorHost.NewProspect();
        var first = Events.ProspectChange(prospect, ProspectChangeKind.FieldsUpdated, revision: 2);
        await evaluator.Publish(first);
        var synced = (await evaluator.SyncRequests(prospect, 1)).Single();
        var completion = Events.Completed(synced);
        await evaluator.Publish(completion);
        await evaluator.Consumed(completion.EventId);

        // The rule's actions come as one change named after Do Not Sync, listing every field it changed.
        var rule = Events.ProspectChange(prospect, ProspectChangeKind.DoNotSyncSet, ChangeOrigin.AutomationRule, revision: 3)
            with { ChangedFields = ["doNotSync", "company"] };
        await evaluator.Publish(rule);
        Assert.Equal(DecisionOutcome.BlockedByDoNotSync, (await evaluator.Decision(prospect, rule.EventId)).Outcome);
        Assert.True((await evaluator.Status(prospect))!.ChangesPending);

        var cleared = Events.ProspectChange(prospect, ProspectChangeKind.DoNotSyncCleared, revision: 4);
        await evaluator.Publish(cleared);

        Assert.Equal(DecisionOutcome.SyncQueued, (await evaluator.Decision(prospect, cleared.EventId)).Outcome);
        var requests = await evaluator.SyncRequests(prospect, 2);
        Assert.Equal((2, nameof(SyncRules.AutomationRuleChange)), (requests[1].Version, requests[1].Rule));
    }

    [Fact]
    public async Task ASyncTheWorkerSkippedForADoNotSyncTheEvaluatorHasNotHeardOfYetSettlesInsteadOfBeingIssuedAgain()
    {
        var prospect = EvaluatorHost.NewProspect();
        var change = Events.ProspectChange(prospect, ProspectChangeKind.FieldsUpdated, revision: 2);
        await evaluator.Publish(change);
        var request = (await evaluator.SyncRequests(prospect, 1)).Single();

        // The worker read Do Not Sync set at revision 3; the change that set it is still on its way.
        var skipped = Events.Completed(request, SyncOutcome.SkippedDoNotSync) with { DoNotSyncRevision = 3, CrmLastModifiedDate = null };
        await evaluator.Publish(skipped);
        Assert.Equal(DecisionOutcome.NothingPending, (await evaluator.Decision(prospect, skipped.EventId)).Outcome);
        await evaluator.Consumed(skipped.EventId);
        var held = (await evaluator.Status(prospect))!;
        Assert.True(held.DoNotSync);
        Assert.False(held.SyncOutstanding);
        Assert.Single(await evaluator.SyncRequests(prospect));

        var lateSet = Events.ProspectChange(prospect, ProspectChangeKind.DoNotSyncSet, revision: 3);
        await evaluator.Publish(lateSet);
        Assert.Equal(DecisionOutcome.BlockedByDoNotSync, (await evaluator.Decision(prospect, lateSet.EventId)).Outcome);
        var cleared = Events.ProspectChange(prospect, ProspectChangeKind.DoNotSyncCleared, revision: 4);
        await evaluator.Publish(cleared);

        // The change the skipped sync did not write is still due once Do Not Sync is cleared.
        Assert.Equal(DecisionOutcome.SyncQueued, (await evaluator.Decision(prospect, cleared.EventId)).Outcome);
        Assert.Equal(2, (await evaluator.SyncRequests(prospect, 2)).Count);
    }

    [Fact]
    public async Task DoNotSyncSetInBulkByAnAutomationRuleHoldsEachProspectUntilClearedOneByOne()
    {
        var prospects = Enumerable.Range(0, 6).Select(_ => EvaluatorHost.NewProspect()).ToList();
        var sets = prospects.Select(prospect => Events.ProspectChange(prospect, ProspectChangeKind.DoNotSyncSet, ChangeOrigin.AutomationRule, revision: 2)).ToList();
        await Task.WhenAll(sets.Select(evaluator.Publish));
        var activities = prospects.Select(prospect => Events.Activity(prospect, ActivityKind.PageView)).ToList();
        foreach (var set in sets)
            await evaluator.Decision(set.ProspectId, set.EventId);

        await Task.WhenAll(activities.Select(evaluator.Publish));
        foreach (var activity in activities)
        {
            Assert.Equal(DecisionOutcome.BlockedByDoNotSync, (await evaluator.Decision(activity.ProspectId, activity.EventId)).Outcome);
            await evaluator.Consumed(activity.EventId);
            Assert.Empty(await evaluator.SyncRequests(activity.ProspectId));
        }

        var clearedOne = Events.ProspectChange(prospects[0], ProspectChangeKind.DoNotSyncCleared, ChangeOrigin.User, revision: 3);
        await evaluator.Publish(clearedOne);
        Assert.Equal(DecisionOutcome.SyncQueued, (await evaluator.Decision(prospects[0], clearedOne.EventId)).Outcome);
        await evaluator.Consumed(clearedOne.EventId);

        Assert.Single(await evaluator.SyncRequests(prospects[0]));
        foreach (var stillHeld in prospects.Skip(1))
        {
            Assert.Empty(await evaluator.SyncRequests(stillHeld));
            Assert.True((await evaluator.Status(stillHeld))!.DoNotSync);
        }
    }

    [Fact]
    public async Task ClearingDoNotSyncWithNothingPendingQueuesNothing()
    {
        var prospect = EvaluatorHost.NewProspect();
        var set = Events.ProspectChange(prospect, ProspectChangeKind.DoNotSyncSet, revision: 1);
        await evaluator.Publish(set);
        await evaluator.Decision(prospect, set.EventId);

        var cleared = Events.ProspectChange(prospect, ProspectChangeKind.DoNotSyncCleared, revision: 2);
        await evaluator.Publish(cleared);
        var decision = await evaluator.Decision(prospect, cleared.EventId);
        await evaluator.Consumed(cleared.EventId);

        Assert.Equal(DecisionOutcome.NothingPending, decision.Outcome);
        Assert.Empty(await evaluator.SyncRequests(prospect));
    }

    [Fact]
    public async Task OlderDoNotSyncChangeArrivingLateIsIgnored()
    {
        var prospect = EvaluatorHost.NewProspect();
        var cleared = Events.ProspectChange(prospect, ProspectChangeKind.DoNotSyncCleared, revision: 9);
        await evaluator.Publish(cleared);
        await evaluator.Decision(prospect, cleared.EventId);

        var staleSet = Events.ProspectChange(prospect, ProspectChangeKind.DoNotSyncSet, revision: 8);
        await evaluator.Publish(staleSet);
        var decision = await evaluator.Decision(prospect, staleSet.EventId);

        Assert.Equal(DecisionOutcome.OutOfOrderIgnored, decision.Outcome);
        Assert.False((await evaluator.Status(prospect))!.DoNotSync);
    }
}
