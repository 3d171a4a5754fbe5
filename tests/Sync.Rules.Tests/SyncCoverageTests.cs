using Sync.Contracts;
using Sync.Testing;

namespace Sync.Rules.Tests;

/// <summary>
/// Whether a change that joined an outstanding sync, or arrived after one completed, was in what that sync wrote: decided by
/// the stamps its owner put on it (prospect revision, CRM LastModifiedDate) against what the worker read, never by clocks.
/// </summary>
[FastLane]
public class SyncCoverageTests
{
    private static readonly DateTimeOffset Ten = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);
    private static readonly SyncStateSettings Settings = new();

    private static SyncChange Change(SyncRule rule, long revision = 0, DateTimeOffset? crmLastModified = null) => new()
    {
        EventId = Guid.NewGuid(), ProspectId = 7, EventType = "Test", Rule = rule, ReportedDate = crmLastModified ?? Ten, Revision = revision,
        CrmLastModifiedDate = crmLastModified,
    };

    private static SyncChange Completed(SyncRequested request, long? revisionRead = null, DateTimeOffset? crmRead = null, SyncOutcome outcome = SyncOutcome.Synced) => new()
    {
        EventId = Guid.NewGuid(), ProspectId = 7, EventType = nameof(SyncCompleted), Rule = SyncRules.SyncCompleted, ReportedDate = Ten,
        Completion = new SyncCompletion(request.SyncId, request.Version, outcome, null, ProspectRevisionRead: revisionRead, CrmLastModifiedDateRead: crmRead),
    };

    private static Evaluation Apply(SyncState state, SyncChange change) =>
        SyncStateMachine.Apply(state, change, Ten.AddSeconds(1), NewSyncIds.Create(), Settings);

    /// <summary>A sync queued by <paramref name="first"/>, then <paramref name="joining"/> arriving while it is outstanding.</summary>
    private static (Evaluation Queued, Evaluation Joined) QueueThenJoin(SyncChange first, SyncChange joining)
    {
        var queued = Apply(SyncState.New, first);
        Assert.Equal(DecisionOutcome.SyncQueued, queued.Decision.Outcome);
        var joined = Apply(queued.State, joining);
        Assert.Equal(DecisionOutcome.JoinedOutstandingSync, joined.Decision.Outcome);
        return (queued, joined);
    }

    private static void AssertCovered(Evaluation completed)
    {
        Assert.Equal(DecisionOutcome.NothingPending, completed.Decision.Outcome);
        Assert.True(completed.Decision.JoinsCovered);
        Assert.Null(completed.ToPublish);
        Assert.Equal(completed.State.Version, completed.State.SettledVersion);
        Assert.Equal(completed.State.Version, completed.State.SyncedVersion);
    }

    private static void AssertFollowUp(Evaluation completed)
    {
        Assert.Equal(DecisionOutcome.SyncQueued, completed.Decision.Outcome);
        Assert.False(completed.Decision.JoinsCovered);
        Assert.NotNull(completed.ToPublish);
        Assert.Equal(completed.State.Version, completed.ToPublish!.Version);
    }

    [Fact]
    public void ProspectChangeThatJoinedAtTheRevisionTheWorkerReadIsCoveredBySync()
    {
        // A form from a new address: the activity arrives first, the creation joins its sync.
        var (queued, joined) = QueueThenJoin(Change(SyncRules.FormSubmission), Change(SyncRules.ProspectCreated, revision: 1));

        var completed = Apply(joined.State, Completed(queued.ToPublish!, revisionRead: 1));

        AssertCovered(completed);
        var sync = queued.ToPublish!.SyncId.ToString("N")[..8];
        Assert.Equal($"New prospect: sync {sync} is already queued and covers it if it reads the prospect at revision 1 or later; otherwise a follow-up sync will carry it",
            DecisionExplainer.Explain(joined.Decision));
        Assert.Equal($"Sync {sync} recorded (version 1): it read the changes that joined it too (up to version 2): covered by sync {sync}: nothing pending",
            DecisionExplainer.Explain(completed.Decision));
    }

    [Fact]
    public void ProspectChangeThatJoinedAboveTheRevisionTheWorkerReadNeedsAFollowUp()
    {
        var (queued, joined) = QueueThenJoin(Change(SyncRules.ProspectCreated, revision: 1), Change(SyncRules.ProspectFieldChange, revision: 2));

        var completed = Apply(joined.State, Completed(queued.ToPublish!, revisionRead: 1));

        AssertFollowUp(completed);
        Assert.Equal(
            $"Sync {queued.ToPublish!.SyncId.ToString("N")[..8]} recorded (version 1): changes arrived after version 1 that it may not have read: "
            + $"a follow-up sync will carry them: sync {completed.ToPublish!.SyncId.ToString("N")[..8]} queued",
            DecisionExplainer.Explain(completed.Decision));
    }

    [Fact]
    public void ProspectChangeThatJoinedNeedsAFollowUpWhenTheWorkerSaysNothingOfWhatItRead()
    {
        var (queued, joined) = QueueThenJoin(Change(SyncRules.ProspectCreated, revision: 1), Change(SyncRules.ProspectFieldChange, revision: 2));

        AssertFollowUp(Apply(joined.State, Completed(queued.ToPublish!)));
    }

    [Fact]
    public void ActivityThatJoinedIsCoveredWhateverTheSyncRead()
    {
        // A form from a new address: the creation arrives first, the activity joins its sync.
        var (queued, joined) = QueueThenJoin(Change(SyncRules.ProspectCreated, revision: 1), Change(SyncRules.FormSubmission));

        AssertCovered(Apply(joined.State, Completed(queued.ToPublish!)));
        Assert.Equal(
            $"Form submission is intent: covered by sync {queued.ToPublish!.SyncId.ToString("N")[..8]}, already queued: an activity changes no field a sync writes, so it needs no sync of its own",
            DecisionExplainer.Explain(joined.Decision));
    }

    [Fact]
    public void EveryIntentActivityAltersNoMappedField()
    {
        Assert.All([SyncRules.TrackedPageView, SyncRules.FormSubmission, SyncRules.FormHandlerSubmission, SyncRules.CustomRedirectClick, SyncRules.EmailLinkClick],
            rule => Assert.Equal(SyncCoverage.NoMappedField, rule.Coverage));
        // Every rule that queues a sync says how a sync is shown to cover it; only these two cannot be shown.
        Assert.Equal([SyncRules.CrmRecordDeleted, SyncRules.OperatorForcedSync],
            SyncRules.All.Where(rule => rule.QueuesSync && rule.Coverage == SyncCoverage.None));
    }

    [Fact]
    public void CrmChangeThatJoinedAtOrBeforeTheLastModifiedDateTheLookupReadIsCovered()
    {
        var (queued, joined) = QueueThenJoin(Change(SyncRules.ProspectCreated, revision: 1), Change(SyncRules.CrmFieldChange, crmLastModified: Ten));

        AssertCovered(Apply(joined.State, Completed(queued.ToPublish!, revisionRead: 1, crmRead: Ten)));
        Assert.Equal(
            $"CRM field change moves LastModifiedDate: sync {queued.ToPublish!.SyncId.ToString("N")[..8]} is already queued and covers it if its CRM lookup reads LastModifiedDate 10:00:00.000 or later; otherwise a follow-up sync will carry it",
            DecisionExplainer.Explain(joined.Decision));
    }

    [Fact]
    public void CrmChangeThatJoinedAfterTheLastModifiedDateTheLookupReadNeedsAFollowUp()
    {
        var (queued, joined) = QueueThenJoin(Change(SyncRules.ProspectCreated, revision: 1), Change(SyncRules.CrmFieldChange, crmLastModified: Ten.AddMilliseconds(1)));

        AssertFollowUp(Apply(joined.State, Completed(queued.ToPublish!, revisionRead: 1, crmRead: Ten)));
    }

    [Fact]
    public void CrmChangeThatJoinedNeedsAFollowUpWhenTheLookupFoundNoRecord()
    {
        var (queued, joined) = QueueThenJoin(Change(SyncRules.ProspectCreated, revision: 1), Change(SyncRules.CrmFieldChange, crmLastModified: Ten));

        AssertFollowUp(Apply(joined.State, Completed(queued.ToPublish!, revisionRead: 1)));
    }

    [Theory]
    [InlineData(nameof(SyncRules.OperatorForcedSync), 0)]
    [InlineData(nameof(SyncRules.ProspectFieldChange), 0)]
    [InlineData(nameof(SyncRules.Import), 0)]
    [InlineData(nameof(SyncRules.CrmRecordDeleted), 0)]
    public void UnstampedChangeThatJoinedNeedsAFollowUpWhateverTheSyncRead(string rule, long revision)
    {
        var (queued, joined) = QueueThenJoin(Change(SyncRules.ProspectCreated, revision: 1), Change(SyncRules.Named(rule), revision));

        AssertFollowUp(Apply(joined.State, Completed(queued.ToPublish!, revisionRead: 1_000, crmRead: Ten.AddYears(1))));
        Assert.EndsWith("is already queued, but nothing shows whether it will read this change: a follow-up sync will carry it",
            DecisionExplainer.Explain(joined.Decision), StringComparison.Ordinal);
    }

    [Fact]
    public void OneUnstampedJoinNeedsAFollowUpThoughEveryOtherIsCovered()
    {
        var (queued, joined) = QueueThenJoin(Change(SyncRules.FormSubmission), Change(SyncRules.ProspectCreated, revision: 1));
        var forced = Apply(joined.State, Change(SyncRules.OperatorForcedSync));

        AssertFollowUp(Apply(forced.State, Completed(queued.ToPublish!, revisionRead: 1)));
    }

    [Fact]
    public void ImportThatJoinedAtTheRevisionItWroteIsCoveredBySyncThatReadIt()
    {
        var (queued, joined) = QueueThenJoin(Change(SyncRules.ProspectCreated, revision: 1), Change(SyncRules.Import, revision: 1));

        AssertCovered(Apply(joined.State, Completed(queued.ToPublish!, revisionRead: 1)));
    }

    [Fact]
    public void CompletionOfAnotherSyncCoversNoneOfTheChangesThatJoinedTheOutstandingOne()
    {
        var (queued, joined) = QueueThenJoin(Change(SyncRules.ProspectCreated, revision: 1), Change(SyncRules.ProspectFieldChange, revision: 2));
        var stale = queued.ToPublish! with { SyncId = Guid.NewGuid() };

        var completed = Apply(joined.State, Completed(stale, revisionRead: 2));

        Assert.False(completed.Decision.JoinsCovered);
        Assert.Equal(1, completed.State.SettledVersion);
        Assert.NotNull(completed.State.Outstanding);
    }

    [Fact]
    public void ProspectChangeArrivingAfterTheSyncThatReadItCompletedIsAlreadySynced()
    {
        // A form from a new address, its sync done at once: the creation arrives after the completion.
        var queued = Apply(SyncState.New, Change(SyncRules.FormSubmission));
        var completed = Apply(queued.State, Completed(queued.ToPublish!, revisionRead: 1));

        var late = Apply(completed.State, Change(SyncRules.ProspectCreated, revision: 1));

        Assert.Equal(DecisionOutcome.AlreadySynced, late.Decision.Outcome);
        Assert.Null(late.ToPublish);
        // Its date is kept like any change's; it takes no version, so nothing is pending.
        Assert.Equal(completed.State with { UpdatedAt = Ten }, late.State);
        Assert.Equal("New prospect (revision 1): a sync that completed already read it and wrote it to the CRM: no sync", DecisionExplainer.Explain(late.Decision));
    }

    [Fact]
    public void ProspectChangeArrivingAfterACompletedSyncAboveTheRevisionItReadQueuesASync()
    {
        var queued = Apply(SyncState.New, Change(SyncRules.FormSubmission));
        var completed = Apply(queued.State, Completed(queued.ToPublish!, revisionRead: 1));

        Assert.Equal(DecisionOutcome.SyncQueued, Apply(completed.State, Change(SyncRules.ProspectFieldChange, revision: 2)).Decision.Outcome);
    }

    [Theory]
    [InlineData(SyncOutcome.Failed)]
    [InlineData(SyncOutcome.SkippedDoNotSync)]
    [InlineData(SyncOutcome.CrmRecordDeleted)]
    public void ChangeReadBySyncThatWroteNothingIsNotAlreadySynced(SyncOutcome outcome)
    {
        var queued = Apply(SyncState.New, Change(SyncRules.FormSubmission));
        var completed = Apply(queued.State, Completed(queued.ToPublish!, revisionRead: 1, outcome: outcome));

        Assert.NotEqual(DecisionOutcome.AlreadySynced, Apply(completed.State, Change(SyncRules.ProspectCreated, revision: 1)).Decision.Outcome);
    }

    [Fact]
    public void CrmChangeArrivingAfterTheSyncWhoseLookupReadItIsAlreadySynced()
    {
        var queued = Apply(SyncState.New, Change(SyncRules.ProspectCreated, revision: 1));
        var completed = Apply(queued.State, Completed(queued.ToPublish!, revisionRead: 1, crmRead: Ten));

        Assert.Equal(DecisionOutcome.AlreadySynced, Apply(completed.State, Change(SyncRules.CrmFieldChange, crmLastModified: Ten)).Decision.Outcome);
        Assert.Equal(DecisionOutcome.SyncQueued, Apply(completed.State, Change(SyncRules.CrmFieldChange, crmLastModified: Ten.AddMilliseconds(1))).Decision.Outcome);
    }

    [Fact]
    public void ImportArrivingAfterTheSyncThatReadWhatItWroteIsAlreadySynced()
    {
        var queued = Apply(SyncState.New, Change(SyncRules.ProspectCreated, revision: 1));
        var completed = Apply(queued.State, Completed(queued.ToPublish!, revisionRead: 1));

        Assert.Equal(DecisionOutcome.AlreadySynced, Apply(completed.State, Change(SyncRules.Import, revision: 1)).Decision.Outcome);
    }

    [Fact]
    public void ImportThatChangedNothingForcesASyncOfASyncedProspect()
    {
        var queued = Apply(SyncState.New, Change(SyncRules.ProspectCreated, revision: 1));
        var completed = Apply(queued.State, Completed(queued.ToPublish!, revisionRead: 1));

        // The import wrote no revision: nothing shows a sync read the prospect after it.
        Assert.Equal(DecisionOutcome.SyncQueued, Apply(completed.State, Change(SyncRules.Import, revision: 0)).Decision.Outcome);
    }

    [Fact]
    public void ActivityOnASyncedProspectQueuesASync()
    {
        // No stamp orders an activity against a read, so one that arrives with no sync outstanding is a new trigger.
        var queued = Apply(SyncState.New, Change(SyncRules.ProspectCreated, revision: 1));
        var completed = Apply(queued.State, Completed(queued.ToPublish!, revisionRead: 1));

        Assert.Equal(DecisionOutcome.SyncQueued, Apply(completed.State, Change(SyncRules.EmailLinkClick)).Decision.Outcome);
    }

    [Fact]
    public void ChangeAlreadyReadBySyncThatCompletedDoesNotJoinTheNextOne()
    {
        var queued = Apply(SyncState.New, Change(SyncRules.ProspectCreated, revision: 1));
        var completed = Apply(queued.State, Completed(queued.ToPublish!, revisionRead: 2));
        var next = Apply(completed.State, Change(SyncRules.ProspectFieldChange, revision: 3));

        var late = Apply(next.State, Change(SyncRules.ProspectFieldChange, revision: 2));

        Assert.Equal(DecisionOutcome.AlreadySynced, late.Decision.Outcome);
        Assert.Equal(next.State, late.State);
    }

    [Fact]
    public void OtherChangesOfADoNotSyncEditThatJoinedAreCoveredByTheirRevision()
    {
        var queued = Apply(SyncState.New, Change(SyncRules.ProspectCreated, revision: 1));
        var cleared = Apply(queued.State, Change(SyncRules.DoNotSyncCleared, revision: 2) with { AlsoTriggers = SyncRules.AutomationRuleChange });

        Assert.Equal(DecisionOutcome.JoinedOutstandingSync, cleared.Decision.Outcome);
        AssertCovered(Apply(cleared.State, Completed(queued.ToPublish!, revisionRead: 2)));
        AssertFollowUp(Apply(cleared.State, Completed(queued.ToPublish!, revisionRead: 1)));
    }
}
