using Sync.Contracts;
using Sync.Rules;

namespace Sync.SyncEvaluator.Tests.Pipeline;

/// <summary>At most one sync outstanding per prospect; its completion queues exactly one more when anything came after it.</summary>
public abstract class CoalescingTests(EvaluatorHost evaluator)
{
    [Fact]
    public async Task TriggersWhileASyncIsOutstandingJoinItAndCompletionQueuesExactlyOneMore()
    {
        var prospect = EvaluatorHost.NewProspect();
        await evaluator.Publish(Events.Activity(prospect, ActivityKind.FormSubmission));
        var first = (await evaluator.SyncRequests(prospect, 1)).Single();

        object[] laterChanges =
        [
            Events.ProspectChange(prospect, ProspectChangeKind.FieldsUpdated),
            Events.CrmChange(prospect, CrmObjectType.Lead, CrmChangeKind.Updated, DateTimeOffset.UtcNow),
            Events.Activity(prospect, ActivityKind.PageView),
        ];
        foreach (var change in laterChanges)
            await evaluator.PublishEvent(change);
        // What each says will happen, and does: the change without its revision is carried by a follow-up sync.
        string[] joinedSay =
        [
            "is already queued, but nothing shows whether it will read this change: a follow-up sync will carry it",
            "or later; otherwise a follow-up sync will carry it",
            "already queued: an activity changes no field a sync writes, so it needs no sync of its own",
        ];
        foreach (var (change, says) in laterChanges.Zip(joinedSay))
        {
            var decision = await evaluator.Decision(prospect, Events.IdOf(change));
            Assert.Equal(DecisionOutcome.JoinedOutstandingSync, decision.Outcome);
            Assert.Equal(first.SyncId, decision.SyncId);
            Assert.EndsWith(says, decision.Explanation, StringComparison.Ordinal);
            await evaluator.Consumed(Events.IdOf(change));
        }
        Assert.Single(await evaluator.SyncRequests(prospect));

        var completion = Events.Completed(first);
        await evaluator.Publish(completion);
        var requeued = await evaluator.Decision(prospect, completion.EventId);
        await evaluator.Consumed(completion.EventId);

        Assert.Equal((nameof(SyncRules.SyncCompleted), DecisionOutcome.SyncQueued, 4L), (requeued.Rule, requeued.Outcome, requeued.Version));
        Assert.Contains("changes arrived after version 1", requeued.Explanation, StringComparison.Ordinal);
        var requests = await evaluator.SyncRequests(prospect);
        Assert.Equal(2, requests.Count);
        var second = requests.Single(request => request.SyncId != first.SyncId);
        Assert.Equal((4L, requeued.SyncId, 1), (second.Version, (Guid?)second.SyncId, second.Issue));

        var lastCompletion = Events.Completed(second);
        await evaluator.Publish(lastCompletion);
        var settled = await evaluator.Decision(prospect, lastCompletion.EventId);
        await evaluator.Consumed(lastCompletion.EventId);

        Assert.Equal(DecisionOutcome.NothingPending, settled.Outcome);
        Assert.Equal(2, (await evaluator.SyncRequests(prospect)).Count);
        var status = (await evaluator.Status(prospect))!;
        Assert.False(status.SyncOutstanding);
        Assert.False(status.ChangesPending);
        Assert.False(status.ChangesNotInCrm);
        Assert.Equal((4L, 4L), (status.SyncedVersion, status.SettledVersion));
        Assert.Equal(settled.At, status.LastSyncedAt);
    }

    [Fact]
    public async Task ManyConcurrentTriggersForOneProspectPublishOneSyncRequested()
    {
        var prospect = EvaluatorHost.NewProspect();
        // As many as the history keeps, so that every decision can be read back.
        var burst = new SyncStateSettings().DecisionsKept;
        var changes = Enumerable.Range(0, burst)
            .Select(i => i % 2 == 0
                ? (object)Events.Activity(prospect, ActivityKind.PageView)
                : Events.ProspectChange(prospect, ProspectChangeKind.FieldsUpdated))
            .ToList();

        await Task.WhenAll(changes.Select(evaluator.PublishEvent));
        foreach (var change in changes)
            await evaluator.Consumed(Events.IdOf(change));

        var status = (await evaluator.Status(prospect))!;
        Assert.Equal(burst, status.Version);
        Assert.Equal(1, status.Decisions.Count(decision => decision.Outcome == DecisionOutcome.SyncQueued));
        Assert.Equal(burst - 1, status.Decisions.Count(decision => decision.Outcome == DecisionOutcome.JoinedOutstandingSync));
        Assert.Single(await evaluator.SyncRequests(prospect));
    }

    [Fact]
    public async Task EventPublishedTwiceIsDecidedOnceAndQueuesOneSync()
    {
        var prospect = EvaluatorHost.NewProspect();
        var activity = Events.Activity(prospect, ActivityKind.FormSubmission);

        await evaluator.Publish(activity);
        await evaluator.Publish(activity);
        await evaluator.Consumed(activity.EventId, times: 2);

        var status = (await evaluator.Status(prospect))!;
        Assert.Single(status.Decisions, decision => decision.EventId == activity.EventId);
        Assert.Equal(1, status.Version);
        Assert.Single(await evaluator.SyncRequests(prospect));
    }

    [Fact]
    public async Task CompletionPublishedTwiceQueuesOneFollowUpSync()
    {
        var prospect = EvaluatorHost.NewProspect();
        await evaluator.Publish(Events.Activity(prospect, ActivityKind.EmailLinkClick));
        var first = (await evaluator.SyncRequests(prospect, 1)).Single();
        await evaluator.Publish(Events.ProspectChange(prospect, ProspectChangeKind.Unsubscribed));
        var completion = Events.Completed(first);

        await evaluator.Publish(completion);
        await evaluator.Publish(completion);
        await evaluator.Consumed(completion.EventId, times: 2);

        Assert.Equal(2, (await evaluator.SyncRequests(prospect)).Count);
        Assert.Single((await evaluator.Status(prospect))!.Decisions, decision => decision.EventId == completion.EventId);
    }

    [Fact]
    public async Task DateFarAheadOfTheEvaluatorsClockIsClampedAndTheDecisionSaysSo()
    {
        var prospect = EvaluatorHost.NewProspect();
        var reported = DateTimeOffset.UtcNow.AddDays(1);
        var change = Events.CrmChange(prospect, CrmObjectType.Contact, CrmChangeKind.Updated, reported);

        await evaluator.Publish(change);
        var decision = await evaluator.Decision(prospect, change.EventId);

        Assert.True(decision.DateClamped);
        Assert.Equal(DecisionOutcome.SyncQueued, decision.Outcome);
        Assert.Contains("was ahead of the evaluator's clock", decision.Explanation, StringComparison.Ordinal);
        var status = (await evaluator.Status(prospect))!;
        Assert.Equal(decision.At, status.CrmLastModifiedAt);
        Assert.True(status.CrmLastModifiedAt < reported.AddHours(-1));
    }

    [Fact]
    public async Task ChangeWhoseClockReadsEarlierThanTheLastSyncStillQueuesASync()
    {
        var prospect = EvaluatorHost.NewProspect();
        await evaluator.Publish(Events.Activity(prospect, ActivityKind.FormSubmission));
        var first = (await evaluator.SyncRequests(prospect, 1)).Single();
        var completion = Events.Completed(first);
        await evaluator.Publish(completion);
        await evaluator.Decision(prospect, completion.EventId);

        var slowClock = Events.ProspectChange(prospect, ProspectChangeKind.FieldsUpdated) with { OccurredAt = DateTimeOffset.UtcNow.AddHours(-3) };
        await evaluator.Publish(slowClock);
        var decision = await evaluator.Decision(prospect, slowClock.EventId);

        Assert.Equal(DecisionOutcome.SyncQueued, decision.Outcome);
        Assert.Contains("though its clock reads earlier", decision.Explanation, StringComparison.Ordinal);
        Assert.Equal(2, (await evaluator.SyncRequests(prospect, 2)).Count);
    }
}
