using Sync.Contracts;
using Sync.Rules;
using Sync.SyncEvaluator.Apis;

namespace Sync.SyncEvaluator.Tests.Pipeline;

/// <summary>
/// A new prospect's two events (its creation and its form or import) cost one sync, in whatever order they and the sync's
/// completion arrive, because the completion names what the worker read; a change the worker did not read still gets its
/// follow-up. Through the real broker and the Redis scripts.
/// </summary>
public abstract class CoverageTests(EvaluatorHost evaluator)
{
    public enum Arrival
    {
        /// <summary>The second event joins the sync the first queued.</summary>
        SecondJoinsTheSync,

        /// <summary>The sync is done before the second event arrives.</summary>
        SecondAfterTheCompletion,
    }

    // The fourth order, the creation's sync done before the activity arrives, is FormFromANewAddressWhoseActivityArrivesAfterItsSyncQueuesASecond.
    [Theory]
    [InlineData(true, Arrival.SecondJoinsTheSync)]
    [InlineData(false, Arrival.SecondJoinsTheSync)]
    [InlineData(false, Arrival.SecondAfterTheCompletion)]
    public async Task FormFromANewAddressCostsOneSync(bool creationFirst, Arrival arrival)
    {
        var prospect = EvaluatorHost.NewProspect();
        object created = Events.ProspectChange(prospect, ProspectChangeKind.Created, ChangeOrigin.FormSubmission, revision: 1);
        object form = Events.Activity(prospect, ActivityKind.FormSubmission);

        await OneSyncFor(prospect, creationFirst ? created : form, creationFirst ? form : created, arrival, revisionRead: 1);
    }

    [Theory]
    [InlineData(true, Arrival.SecondJoinsTheSync)]
    [InlineData(true, Arrival.SecondAfterTheCompletion)]
    [InlineData(false, Arrival.SecondJoinsTheSync)]
    [InlineData(false, Arrival.SecondAfterTheCompletion)]
    public async Task ImportOfANewAddressCostsOneSync(bool creationFirst, Arrival arrival)
    {
        var prospect = EvaluatorHost.NewProspect();
        object created = Events.ProspectChange(prospect, ProspectChangeKind.Created, ChangeOrigin.Import, revision: 1);
        object imported = Events.Import(prospect) with { Revisions = [1] };

        await OneSyncFor(prospect, creationFirst ? created : imported, creationFirst ? imported : created, arrival, revisionRead: 1);
    }

    [Fact]
    public async Task ImportThatChangedNothingForcesASyncOfASyncedProspect()
    {
        var prospect = EvaluatorHost.NewProspect();
        var created = Events.ProspectChange(prospect, ProspectChangeKind.Created, revision: 3);
        await evaluator.Publish(created);
        await Complete((await evaluator.SyncRequests(prospect, 1)).Single(), revisionRead: 3);

        var unchanged = Events.Import(prospect) with { Revisions = [0] };
        await evaluator.Publish(unchanged);

        Assert.Equal(DecisionOutcome.SyncQueued, (await evaluator.Decision(prospect, unchanged.EventId)).Outcome);
        Assert.Equal(2, (await evaluator.SyncRequests(prospect, 2)).Count);
    }

    [Fact]
    public async Task ProspectChangeAboveTheRevisionTheWorkerReadGetsAFollowUpSync()
    {
        var prospect = EvaluatorHost.NewProspect();
        await evaluator.Publish(Events.ProspectChange(prospect, ProspectChangeKind.Created, revision: 1));
        var first = (await evaluator.SyncRequests(prospect, 1)).Single();
        var edited = Events.ProspectChange(prospect, ProspectChangeKind.FieldsUpdated, revision: 2);
        await evaluator.Publish(edited);
        Assert.Equal(DecisionOutcome.JoinedOutstandingSync, (await evaluator.Decision(prospect, edited.EventId)).Outcome);

        var completed = await Complete(first, revisionRead: 1);

        Assert.Equal(DecisionOutcome.SyncQueued, completed.Outcome);
        Assert.Contains("a follow-up sync will carry them", completed.Explanation, StringComparison.Ordinal);
        Assert.Equal(2, (await evaluator.SyncRequests(prospect, 2)).Count);
    }

    /// <summary>CRM changes stamped this many milliseconds after what the lookup read join the sync; the last decides.</summary>
    [Theory]
    [InlineData(new[] { 0 }, DecisionOutcome.NothingPending, 1)]
    [InlineData(new[] { -1000, 0 }, DecisionOutcome.NothingPending, 1)]
    [InlineData(new[] { 0, 1 }, DecisionOutcome.SyncQueued, 2)]
    public async Task CrmChangeIsCoveredBySyncWhoseLookupReadItsLastModifiedDate(int[] joinedAfterRead, DecisionOutcome completion, int syncs)
    {
        var prospect = EvaluatorHost.NewProspect();
        var read = DateTimeOffset.UtcNow;
        await evaluator.Publish(Events.ProspectChange(prospect, ProspectChangeKind.Created, revision: 1));
        var first = (await evaluator.SyncRequests(prospect, 1)).Single();
        foreach (var milliseconds in joinedAfterRead)
        {
            var change = Events.CrmChange(prospect, CrmObjectType.Lead, CrmChangeKind.Updated, read.AddMilliseconds(milliseconds));
            await evaluator.Publish(change);
            Assert.Equal(DecisionOutcome.JoinedOutstandingSync, (await evaluator.Decision(prospect, change.EventId)).Outcome);
        }

        var completed = await Complete(first, revisionRead: 1, crmRead: read);

        Assert.Equal(completion, completed.Outcome);
        Assert.Equal(syncs, (await evaluator.SyncRequests(prospect, syncs)).Count);
    }

    [Fact]
    public async Task OperatorsForcedSyncThatJoinedGetsAFollowUpSync()
    {
        var prospect = EvaluatorHost.NewProspect();
        await evaluator.Publish(Events.ProspectChange(prospect, ProspectChangeKind.Created, revision: 1));
        var first = (await evaluator.SyncRequests(prospect, 1)).Single();
        var forced = Events.Forced(prospect);
        await evaluator.Publish(forced);
        var joined = await evaluator.Decision(prospect, forced.EventId);

        var completed = await Complete(first, revisionRead: 1);

        Assert.EndsWith("nothing shows whether it will read this change: a follow-up sync will carry it", joined.Explanation, StringComparison.Ordinal);
        Assert.Equal(DecisionOutcome.SyncQueued, completed.Outcome);
        Assert.Equal(2, (await evaluator.SyncRequests(prospect, 2)).Count);
    }

    [Fact]
    public async Task FormFromANewAddressWhoseActivityArrivesAfterItsSyncQueuesASecond()
    {
        // The one order the stamps cannot settle: an activity carries no revision, and on a synced prospect it is a trigger.
        var prospect = EvaluatorHost.NewProspect();
        await evaluator.Publish(Events.ProspectChange(prospect, ProspectChangeKind.Created, ChangeOrigin.FormSubmission, revision: 1));
        await Complete((await evaluator.SyncRequests(prospect, 1)).Single(), revisionRead: 1);

        var form = Events.Activity(prospect, ActivityKind.FormSubmission);
        await evaluator.Publish(form);

        Assert.Equal(DecisionOutcome.SyncQueued, (await evaluator.Decision(prospect, form.EventId)).Outcome);
    }

    /// <summary>
    /// Publishes <paramref name="first"/>, then <paramref name="second"/> while its sync is outstanding or once it completed
    /// (the worker having read <paramref name="revisionRead"/>), and holds the prospect to one SyncRequested and nothing pending.
    /// </summary>
    private async Task OneSyncFor(long prospect, object first, object second, Arrival arrival, long revisionRead)
    {
        await evaluator.PublishEvent(first);
        var sync = (await evaluator.SyncRequests(prospect, 1)).Single();
        var shortId = sync.SyncId.ToString("N")[..8];

        if (arrival == Arrival.SecondJoinsTheSync)
        {
            await evaluator.PublishEvent(second);
            var joined = await evaluator.Decision(prospect, Events.IdOf(second));
            Assert.Equal(DecisionOutcome.JoinedOutstandingSync, joined.Outcome);
            Assert.DoesNotContain("no second sync", joined.Explanation, StringComparison.Ordinal);
            var completed = await Complete(sync, revisionRead);
            Assert.Equal(DecisionOutcome.NothingPending, completed.Outcome);
            Assert.EndsWith($"covered by sync {shortId}: nothing pending", completed.Explanation, StringComparison.Ordinal);
        }
        else
        {
            await Complete(sync, revisionRead);
            await evaluator.PublishEvent(second);
            var late = await evaluator.Decision(prospect, Events.IdOf(second));
            Assert.Equal(DecisionOutcome.AlreadySynced, late.Outcome);
            Assert.EndsWith("a sync that completed already read it and wrote it to the CRM: no sync", late.Explanation, StringComparison.Ordinal);
            await evaluator.Consumed(Events.IdOf(second));
        }

        Assert.Single(await evaluator.SyncRequests(prospect));
        var status = (await evaluator.Status(prospect))!;
        Assert.False(status.SyncOutstanding);
        Assert.False(status.ChangesPending);
        Assert.False(status.ChangesNotInCrm);
    }

    /// <summary>The worker reports the sync done, naming what it read; returns the decision once consumed.</summary>
    private async Task<DecisionResponse> Complete(SyncRequested request, long revisionRead, DateTimeOffset? crmRead = null)
    {
        var completion = Events.Completed(request) with { ProspectRevisionRead = revisionRead, CrmLastModifiedDateRead = crmRead };
        await evaluator.Publish(completion);
        var decision = await evaluator.Decision(request.ProspectId, completion.EventId);
        await evaluator.Consumed(completion.EventId);
        return decision;
    }
}
