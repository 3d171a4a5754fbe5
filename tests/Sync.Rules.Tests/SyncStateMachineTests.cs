using Sync.Contracts;
using Sync.Rules;
using Sync.Testing;

namespace Sync.Rules.Tests;

[FastLane]
public class SyncStateMachineTests
{
    private static readonly DateTimeOffset Ten = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);
    private static readonly SyncStateSettings Settings = new();

    private static SyncChange Change(SyncRule rule, DateTimeOffset? date = null, long revision = 0) => new()
    {
        EventId = Guid.NewGuid(), ProspectId = 7, EventType = "Test", Rule = rule, ReportedDate = date ?? Ten, Revision = revision,
    };

    private static SyncChange Completion(Guid syncId, long version, SyncOutcome outcome = SyncOutcome.Synced) => new()
    {
        EventId = Guid.NewGuid(), ProspectId = 7, EventType = nameof(SyncCompleted), Rule = SyncRules.SyncCompleted,
        ReportedDate = Ten, Completion = new SyncCompletion(syncId, version, outcome, null),
    };

    private static Evaluation Apply(SyncState state, SyncChange change, DateTimeOffset? now = null) =>
        SyncStateMachine.Apply(state, change, now ?? Ten.AddSeconds(1), NewSyncIds.Create(), Settings);

    [Fact]
    public void IntentActivityQueuesASyncForTheNewVersion()
    {
        var result = Apply(SyncState.New, Change(SyncRules.FormSubmission));

        Assert.Equal(DecisionOutcome.SyncQueued, result.Decision.Outcome);
        Assert.NotNull(result.ToPublish);
        Assert.Equal(1, result.ToPublish!.Version);
        Assert.Equal("FormSubmission", result.ToPublish.Rule);
        Assert.Equal(Ten, result.State.LastActivityAt);
        Assert.Equal(result.ToPublish.SyncId, result.State.Outstanding!.SyncId);
    }

    [Fact]
    public void PassiveActivityRecordsADecisionButQueuesNothing()
    {
        var result = Apply(SyncState.New, Change(SyncRules.EmailOpen));

        Assert.Equal(DecisionOutcome.NoSync, result.Decision.Outcome);
        Assert.Null(result.ToPublish);
        Assert.Null(result.State.LastActivityAt);
        Assert.Equal("E-mail open is passive (scanners open mail too): no sync", DecisionExplainer.Explain(result.Decision));
    }

    [Fact]
    public void ChangesWhileASyncIsOutstandingJoinItAndCompletionQueuesExactlyOneMore()
    {
        var first = Apply(SyncState.New, Change(SyncRules.FormSubmission));
        var second = Apply(first.State, Change(SyncRules.ProspectFieldChange));
        var third = Apply(second.State, Change(SyncRules.CrmFieldChange));

        Assert.Equal(DecisionOutcome.JoinedOutstandingSync, second.Decision.Outcome);
        Assert.Null(second.ToPublish);
        Assert.Null(third.ToPublish);

        var completed = Apply(third.State, Completion(first.ToPublish!.SyncId, first.ToPublish.Version));
        Assert.Equal(DecisionOutcome.SyncQueued, completed.Decision.Outcome);
        Assert.Equal(3, completed.ToPublish!.Version);
        Assert.Equal("CrmFieldChange", completed.ToPublish.Rule);
        Assert.NotEqual(first.ToPublish.SyncId, completed.ToPublish.SyncId);

        var settled = Apply(completed.State, Completion(completed.ToPublish.SyncId, completed.ToPublish.Version));
        Assert.Equal(DecisionOutcome.NothingPending, settled.Decision.Outcome);
        Assert.Null(settled.ToPublish);
        Assert.Null(settled.State.Outstanding);
        Assert.Equal(3, settled.State.SyncedVersion);
    }

    [Fact]
    public void SyncOwnWriteKeepsItsDateButIsNotANewChange()
    {
        var result = Apply(SyncState.New, Change(SyncRules.SyncOwnWrite, Ten.AddMinutes(1)));

        Assert.Equal(DecisionOutcome.OwnWrite, result.Decision.Outcome);
        Assert.Null(result.ToPublish);
        Assert.Equal(Ten.AddMinutes(1), result.State.UpdatedAt);
        Assert.Equal(0, result.State.Version);
    }

    [Fact]
    public void DoNotSyncHoldsEverySyncBackUntilClearedThenQueuesOne()
    {
        var set = Apply(SyncState.New, Change(SyncRules.DoNotSyncSet, revision: 2));
        var activity = Apply(set.State, Change(SyncRules.FormSubmission));
        var import = Apply(activity.State, Change(SyncRules.Import));

        Assert.Equal(DecisionOutcome.BlockedByDoNotSync, activity.Decision.Outcome);
        Assert.Equal(DecisionOutcome.BlockedByDoNotSync, import.Decision.Outcome);
        Assert.Null(import.ToPublish);
        Assert.Equal(Ten, import.State.LastActivityAt);
        Assert.Equal("Form submission is intent, but Do Not Sync is set: no sync", DecisionExplainer.Explain(activity.Decision));

        var cleared = Apply(import.State, Change(SyncRules.DoNotSyncCleared, revision: 3));
        Assert.Equal(DecisionOutcome.SyncQueued, cleared.Decision.Outcome);
        Assert.Equal(2, cleared.ToPublish!.Version);
    }

    [Fact]
    public void ClearingDoNotSyncWithNothingPendingQueuesNothing()
    {
        var set = Apply(SyncState.New, Change(SyncRules.DoNotSyncSet, revision: 1));
        var cleared = Apply(set.State, Change(SyncRules.DoNotSyncCleared, revision: 2));

        Assert.Equal(DecisionOutcome.NothingPending, cleared.Decision.Outcome);
        Assert.Null(cleared.ToPublish);
    }

    [Fact]
    public void DoNotSyncChangesAreOrderedByRevisionNotByArrival()
    {
        var cleared = Apply(SyncState.New, Change(SyncRules.DoNotSyncCleared, revision: 5));
        var lateSet = Apply(cleared.State, Change(SyncRules.DoNotSyncSet, revision: 4));

        Assert.Equal(DecisionOutcome.OutOfOrderIgnored, lateSet.Decision.Outcome);
        Assert.False(lateSet.State.DoNotSync);
    }

    [Fact]
    public void SkippedSyncIsHeldBackAndQueuedAgainWhenDoNotSyncIsCleared()
    {
        var queued = Apply(SyncState.New, Change(SyncRules.FormSubmission));
        var set = Apply(queued.State, Change(SyncRules.DoNotSyncSet, revision: 1));
        var skipped = Apply(set.State, Completion(queued.ToPublish!.SyncId, 1, SyncOutcome.SkippedDoNotSync));

        Assert.Null(skipped.ToPublish);
        Assert.Null(skipped.State.Outstanding);

        var cleared = Apply(skipped.State, Change(SyncRules.DoNotSyncCleared, revision: 2));
        Assert.Equal(DecisionOutcome.SyncQueued, cleared.Decision.Outcome);
    }

    [Fact]
    public void PermanentFailureSettlesTheVersionInsteadOfLooping()
    {
        var queued = Apply(SyncState.New, Change(SyncRules.FormSubmission));
        var failed = Apply(queued.State, Completion(queued.ToPublish!.SyncId, 1, SyncOutcome.Failed));

        Assert.Null(failed.ToPublish);
        Assert.Equal(0, failed.State.SyncedVersion);
        Assert.False(failed.State.ChangesPending);
        Assert.True(failed.State.ChangesNotInCrm);

        var retried = Apply(failed.State, Change(SyncRules.OperatorForcedSync));
        Assert.Equal(DecisionOutcome.SyncQueued, retried.Decision.Outcome);
    }

    [Fact]
    public void ChangeIsNeverDroppedForItsDateAndDatesNeverMoveBackwards()
    {
        var first = Apply(SyncState.New, Change(SyncRules.FormSubmission, Ten));
        var synced = Apply(first.State, Completion(first.ToPublish!.SyncId, 1), now: Ten.AddMinutes(5));

        // A producer whose clock runs an hour slow reports a change made after the sync.
        var late = Apply(synced.State, Change(SyncRules.CustomRedirectClick, Ten.AddHours(-1)), now: Ten.AddMinutes(6));

        Assert.Equal(DecisionOutcome.SyncQueued, late.Decision.Outcome);
        Assert.Equal(Ten, late.State.LastActivityAt);
        Assert.Contains("though its clock reads earlier", DecisionExplainer.Explain(late.Decision));
    }

    [Fact]
    public void DateFarInTheFutureIsClampedAndTheDecisionSaysSo()
    {
        var now = Ten;
        var result = Apply(SyncState.New, Change(SyncRules.CrmFieldChange, Ten.AddDays(1)), now);

        Assert.True(result.Decision.DateClamped);
        Assert.Equal(now, result.State.CrmLastModifiedAt);
        Assert.Contains("ahead of the evaluator's clock", DecisionExplainer.Explain(result.Decision));
    }

    [Fact]
    public void ExplanationComparesTheMovedDateWithLastSynced()
    {
        var first = Apply(SyncState.New, Change(SyncRules.FormSubmission, Ten));
        var synced = Apply(first.State, Completion(first.ToPublish!.SyncId, 1), now: Ten);
        var crm = Apply(synced.State, Change(SyncRules.CrmFieldChange, Ten.AddMinutes(2)), now: Ten.AddMinutes(3));

        Assert.Equal(
            "CRM field change moves LastModifiedDate: CRM last modified 10:02:00 is newer than last synced 10:00:00: sync queued",
            DecisionExplainer.Explain(crm.Decision));
    }

    [Fact]
    public void ExplanationShowsMillisecondsWhenBothTimesFallInTheSameSecond()
    {
        var first = Apply(SyncState.New, Change(SyncRules.FormSubmission, Ten));
        var synced = Apply(first.State, Completion(first.ToPublish!.SyncId, 1), now: Ten.AddMilliseconds(120));
        var again = Apply(synced.State, Change(SyncRules.TrackedPageView, Ten.AddMilliseconds(480)), now: Ten.AddMilliseconds(500));

        Assert.Contains("last activity 10:00:00.480 is newer than last synced 10:00:00.120", DecisionExplainer.Explain(again.Decision));
    }

    [Fact]
    public void UnpublishedOrUncompletedSyncIsIssuedAgainWithTheSameSyncIdAfterItsLease()
    {
        var queued = Apply(SyncState.New, Change(SyncRules.FormSubmission), now: Ten);
        Assert.Null(SyncStateMachine.ReissueIfExpired(queued.State, 7, Ten.AddSeconds(10), Guid.NewGuid(), Settings));

        var published = SyncStateMachine.MarkPublished(queued.State, queued.ToPublish!.SyncId, Ten.AddSeconds(1), Settings);
        Assert.Null(SyncStateMachine.ReissueIfExpired(published, 7, Ten.AddMinutes(5), Guid.NewGuid(), Settings));

        var reissued = SyncStateMachine.ReissueIfExpired(published, 7, Ten.AddMinutes(11), Guid.NewGuid(), Settings);
        Assert.NotNull(reissued);
        Assert.Equal(queued.ToPublish.SyncId, reissued!.ToPublish!.SyncId);
        Assert.Equal(2, reissued.ToPublish.Issue);
        Assert.NotEqual(queued.ToPublish.EventId, reissued.ToPublish.EventId);
        Assert.Equal(DecisionOutcome.SyncReissued, reissued.Decision.Outcome);
    }

    [Fact]
    public void EventFindingTheSyncUnpublishedPastItsGraceJoinsItAndPublishesItAgain()
    {
        var queued = Apply(SyncState.New, Change(SyncRules.FormSubmission), now: Ten);

        var within = Apply(queued.State, Change(SyncRules.ProspectFieldChange), now: Ten.AddSeconds(10));
        var past = Apply(queued.State, Change(SyncRules.ProspectFieldChange), now: Ten.AddSeconds(31));

        Assert.Null(within.ToPublish);
        Assert.Null(within.Reissue);
        Assert.Equal(DecisionOutcome.JoinedOutstandingSync, past.Decision.Outcome);
        Assert.Equal((DecisionOutcome.PublishRetried, 2), (past.Reissue!.Outcome, past.Reissue.Issue));
        Assert.Equal((queued.ToPublish!.SyncId, 1L, 2), (past.ToPublish!.SyncId, past.ToPublish.Version, past.ToPublish.Issue));
        Assert.Equal(past.ToPublish, SyncStateMachine.RequestFor(7, past.State.Outstanding!));
        Assert.Equal(2, past.State.Version);
    }

    [Fact]
    public void EventThatQueuesNothingStillIssuesAgainASyncWhoseLeaseRanOut()
    {
        var queued = Apply(SyncState.New, Change(SyncRules.FormSubmission), now: Ten);
        var published = SyncStateMachine.MarkPublished(queued.State, queued.ToPublish!.SyncId, Ten.AddSeconds(1), Settings);

        var open = Apply(published, Change(SyncRules.EmailOpen), now: Ten.AddMinutes(11));

        Assert.Equal(DecisionOutcome.NoSync, open.Decision.Outcome);
        Assert.Equal(DecisionOutcome.SyncReissued, open.Reissue!.Outcome);
        Assert.Equal((queued.ToPublish.SyncId, 2, 1), (open.ToPublish!.SyncId, open.State.Outstanding!.Issue, open.State.Outstanding.LeaseExpiries));
    }

    [Fact]
    public void CompletionOfAnOverdueSyncIssuesNoCopyOfIt()
    {
        var queued = Apply(SyncState.New, Change(SyncRules.FormSubmission), now: Ten);

        var completed = Apply(queued.State, Completion(queued.ToPublish!.SyncId, 1), now: Ten.AddMinutes(1));

        Assert.Null(completed.ToPublish);
        Assert.Null(completed.Reissue);
        Assert.Null(completed.State.Outstanding);
    }

    [Fact]
    public void OnlyRulesThatMayIssueASyncEverQueueOne()
    {
        var pending = Apply(SyncState.New, Change(SyncRules.FormSubmission));
        var doNotSync = Apply(Apply(SyncState.New, Change(SyncRules.DoNotSyncSet, revision: 1)).State, Change(SyncRules.FormSubmission));
        var failed = Apply(pending.State, Completion(pending.ToPublish!.SyncId, 1, SyncOutcome.Failed));
        SyncState[] states = [SyncState.New, pending.State, doNotSync.State, failed.State, failed.State with { Version = 2 }];

        foreach (var rule in SyncRules.All)
        {
            var queues = states.Any(state =>
            {
                var change = rule.Effect == SyncEffect.Completion
                    ? Completion(state.Outstanding?.SyncId ?? Guid.NewGuid(), state.Version)
                    : Change(rule, revision: 5);
                return Apply(state, change).Decision.Outcome == DecisionOutcome.SyncQueued;
            });
            Assert.True(!queues || rule.MayIssueSync, $"{rule.Name} queued a sync, but MayIssueSync says it cannot");
        }
    }

    [Fact]
    public void LeaseDoublesEachTimeOneRanOutUpToTheMaximum()
    {
        Assert.Equal(TimeSpan.FromMinutes(10), Settings.LeaseFor(0));
        Assert.Equal(TimeSpan.FromMinutes(20), Settings.LeaseFor(1));
        Assert.Equal(Settings.MaxLease, Settings.LeaseFor(40));
    }

    [Fact]
    public void PublishNeverConfirmedIsRetriedWithoutLengtheningTheLeaseAndSaysSo()
    {
        var queued = Apply(SyncState.New, Change(SyncRules.FormSubmission), now: Ten);
        var state = queued.State;
        var at = Ten;
        Evaluation retried = null!;
        // A broker away for three minutes: every publish grace, the relay publishes again and the broker does not confirm.
        for (var retry = 0; retry < 6; retry++)
        {
            at += Settings.PublishGrace;
            retried = SyncStateMachine.ReissueIfExpired(state, 7, at, Guid.NewGuid(), Settings)!;
            state = retried.State;
        }

        var published = SyncStateMachine.MarkPublished(state, queued.ToPublish!.SyncId, at.AddSeconds(1), Settings);

        Assert.Equal(DecisionOutcome.PublishRetried, retried.Decision.Outcome);
        Assert.Equal((7, 0), (published.Outstanding!.Issue, published.Outstanding.LeaseExpiries));
        Assert.Equal(at.AddSeconds(1) + Settings.Lease, published.Outstanding.LeaseUntil);
        Assert.Equal(
            $"Sync {queued.ToPublish.SyncId.ToString("N")[..8]} was not confirmed published within the publish grace: published again with the same sync id (issue 7)",
            DecisionExplainer.Explain(retried.Decision));
    }

    [Fact]
    public void LeaseThatRanOutAfterAConfirmedPublishDoublesTheNextOne()
    {
        var queued = Apply(SyncState.New, Change(SyncRules.FormSubmission), now: Ten);
        var published = SyncStateMachine.MarkPublished(queued.State, queued.ToPublish!.SyncId, Ten.AddSeconds(1), Settings);
        var reissued = SyncStateMachine.ReissueIfExpired(published, 7, Ten.AddMinutes(11), Guid.NewGuid(), Settings)!;

        var publishedAgain = SyncStateMachine.MarkPublished(reissued.State, queued.ToPublish.SyncId, Ten.AddMinutes(12), Settings);

        Assert.Equal((2, 1), (publishedAgain.Outstanding!.Issue, publishedAgain.Outstanding.LeaseExpiries));
        Assert.Equal(Ten.AddMinutes(12) + Settings.LeaseFor(1), publishedAgain.Outstanding.LeaseUntil);
        Assert.Equal(
            $"Sync {queued.ToPublish.SyncId.ToString("N")[..8]} was not completed within its lease: issued again with the same sync id (issue 2)",
            DecisionExplainer.Explain(reissued.Decision));
    }

    [Fact]
    public void CompletionOfAnEarlierSyncLeavesTheOutstandingOneInPlace()
    {
        var first = Apply(SyncState.New, Change(SyncRules.FormSubmission));
        var stale = Apply(first.State, Completion(Guid.NewGuid(), 1));

        Assert.NotNull(stale.State.Outstanding);
        Assert.Equal(DecisionOutcome.NothingPending, stale.Decision.Outcome);
    }

    [Fact]
    public void CompletionCannotSettleVersionsThatWereNeverIssued()
    {
        var first = Apply(SyncState.New, Change(SyncRules.FormSubmission));
        var overreaching = Apply(first.State, Completion(first.ToPublish!.SyncId, version: 1000));
        var next = Apply(overreaching.State, Change(SyncRules.ProspectFieldChange));

        Assert.Equal(1, overreaching.State.SettledVersion);
        Assert.Equal(DecisionOutcome.SyncQueued, next.Decision.Outcome);
    }

    [Fact]
    public void OutstandingSyncHoldsTheRequestAsLastIssued()
    {
        var queued = Apply(SyncState.New, Change(SyncRules.FormSubmission), now: Ten);
        var reissued = SyncStateMachine.ReissueIfExpired(queued.State, 7, Ten.AddMinutes(1), Guid.NewGuid(), Settings)!;

        Assert.Equal(queued.ToPublish, SyncStateMachine.RequestFor(7, queued.State.Outstanding!));
        Assert.Equal(reissued.ToPublish, SyncStateMachine.RequestFor(7, reissued.State.Outstanding!));
    }

    [Fact]
    public void LongLeaseDoubledManyTimesStaysAtTheMaximum()
    {
        var settings = new SyncStateSettings { Lease = TimeSpan.FromDays(3), MaxLease = TimeSpan.FromDays(30) };

        Assert.Equal(TimeSpan.FromDays(6), settings.LeaseFor(1));
        Assert.Equal(TimeSpan.FromDays(30), settings.LeaseFor(30));
    }

    [Fact]
    public void SyncSkippedForDoNotSyncIsQueuedAgainWhenDoNotSyncWasClearedBeforeTheSkipWasReported()
    {
        var queued = Apply(SyncState.New, Change(SyncRules.FormSubmission));
        var set = Apply(queued.State, Change(SyncRules.DoNotSyncSet, revision: 1));
        var cleared = Apply(set.State, Change(SyncRules.DoNotSyncCleared, revision: 2));
        var skipped = Apply(cleared.State, Completion(queued.ToPublish!.SyncId, 1, SyncOutcome.SkippedDoNotSync));

        Assert.Equal(DecisionOutcome.JoinedOutstandingSync, cleared.Decision.Outcome);
        Assert.Equal(DecisionOutcome.SyncQueued, skipped.Decision.Outcome);
        Assert.Equal(1, skipped.ToPublish!.Version);
        Assert.EndsWith("Do Not Sync has been cleared since: sync " + skipped.ToPublish.SyncId.ToString("N")[..8] + " queued",
            DecisionExplainer.Explain(skipped.Decision), StringComparison.Ordinal);
    }

    [Fact]
    public void ADoNotSyncChangeThatAlsoChangedAFieldHoldsThatChangeUntilDoNotSyncIsCleared()
    {
        var combined = Change(SyncRules.DoNotSyncSet, revision: 3) with { AlsoTriggers = SyncRules.AutomationRuleChange };

        var set = Apply(SyncState.New, combined);
        var cleared = Apply(set.State, Change(SyncRules.DoNotSyncCleared, revision: 4));

        Assert.Equal((DecisionOutcome.BlockedByDoNotSync, 1L), (set.Decision.Outcome, set.State.Version));
        Assert.Equal(DecisionOutcome.SyncQueued, cleared.Decision.Outcome);
        Assert.Equal(nameof(SyncRules.AutomationRuleChange), cleared.ToPublish!.Rule);
    }

    [Fact]
    public void AFieldChangedWithAnOutOfOrderDoNotSyncChangeStillCounts()
    {
        var cleared = Apply(SyncState.New, Change(SyncRules.DoNotSyncCleared, revision: 5));
        var lateCombined = Apply(cleared.State, Change(SyncRules.DoNotSyncSet, revision: 4) with { AlsoTriggers = SyncRules.ProspectFieldChange });

        Assert.False(lateCombined.State.DoNotSync);
        Assert.Equal(DecisionOutcome.SyncQueued, lateCombined.Decision.Outcome);
    }

    [Fact]
    public void ASkipForADoNotSyncNotYetHeardOfSettlesAndTheLateChangeThatSetItIsNoLongerNews()
    {
        var queued = Apply(SyncState.New, Change(SyncRules.FormSubmission));
        var skip = Completion(queued.ToPublish!.SyncId, 1, SyncOutcome.SkippedDoNotSync);
        var skipped = Apply(queued.State, skip with { Completion = skip.Completion! with { DoNotSyncRevision = 3 } });
        var lateSet = Apply(skipped.State, Change(SyncRules.DoNotSyncSet, revision: 3));
        var cleared = Apply(lateSet.State, Change(SyncRules.DoNotSyncCleared, revision: 4));

        Assert.Equal(DecisionOutcome.NothingPending, skipped.Decision.Outcome);
        Assert.Null(skipped.ToPublish);
        Assert.True(skipped.State.DoNotSync);
        Assert.Equal(DecisionOutcome.BlockedByDoNotSync, lateSet.Decision.Outcome);
        Assert.Equal(DecisionOutcome.SyncQueued, cleared.Decision.Outcome);
        Assert.Equal(1, cleared.ToPublish!.Version);
    }
}
