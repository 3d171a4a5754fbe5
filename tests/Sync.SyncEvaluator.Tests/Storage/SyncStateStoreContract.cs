using Microsoft.Extensions.Options;
using Sync.Contracts;
using Sync.Rules;
using Sync.SyncEvaluator.Storage;
using Sync.Testing;

namespace Sync.SyncEvaluator.Tests.Storage;

/// <summary>What every sync-state store does, run against Redis (the Lua scripts) and in memory (the pure state machine).</summary>
public abstract class SyncStateStoreContract : IAsyncLifetime
{
    private static long _nextProspect = Random.Shared.NextInt64(1_000_000, 1_000_000_000);

    // A publish grace short enough to wait for; a lease no test outlives.
    protected static readonly SyncStateSettings Settings = new()
    {
        PublishGrace = TimeSpan.FromMilliseconds(300),
        Lease = TimeSpan.FromSeconds(20),
        MaxLease = TimeSpan.FromSeconds(80),
        DecisionsKept = 5,
    };

    protected ISyncStateStore Store { get; private set; } = null!;

    protected abstract Task<ISyncStateStore> CreateStore(SyncStateSettings settings);

    public virtual async Task InitializeAsync() => Store = await CreateStore(Settings);

    public virtual Task DisposeAsync() => Task.CompletedTask;

    private static long NewProspect() => Interlocked.Increment(ref _nextProspect);

    private static SyncChange Change(long prospectId, SyncRule rule, DateTimeOffset? date = null, long revision = 0) => new()
    {
        EventId = Guid.NewGuid(),
        ProspectId = prospectId,
        EventType = "Test",
        Rule = rule,
        ReportedDate = date ?? DateTimeOffset.UtcNow,
        Revision = revision,
    };

    private static SyncChange Completion(long prospectId, SyncRequested request, SyncOutcome outcome = SyncOutcome.Synced) => new()
    {
        EventId = Guid.NewGuid(),
        ProspectId = prospectId,
        EventType = nameof(SyncCompleted),
        Rule = SyncRules.SyncCompleted,
        ReportedDate = DateTimeOffset.UtcNow,
        Completion = new SyncCompletion(request.SyncId, request.Version, outcome, null),
    };

    private async Task<SyncStep> Apply(SyncChange change) => (await Store.Apply([change], CancellationToken.None)).Single();

    /// <summary>Asks for a reissue until the outstanding sync's time has run out by the store's clock, and returns that step.</summary>
    private Task<SyncStep> ReissuedOnceDue(long prospectId) =>
        Eventually.Until(async () => await Store.ReissueIfExpired(prospectId, CancellationToken.None) is { ToPublish: not null } step ? step : null,
            $"the outstanding sync of prospect {prospectId} to be issued again");

    private Task StoreClockPasses(DateTimeOffset time) =>
        Eventually.True(async () => (await Store.Due(1, CancellationToken.None)).Now >= time, $"the store's clock to pass {time:O}");

    private async Task<ProspectSyncStatus> Status(long prospectId) =>
        await Store.GetStatus(prospectId, CancellationToken.None) ?? throw new Xunit.Sdk.XunitException($"Prospect {prospectId} has no status.");

    [Fact]
    public async Task UnknownProspectHasNoStatus() => Assert.Null(await Store.GetStatus(NewProspect(), CancellationToken.None));

    [Fact]
    public async Task TriggerQueuesOneSyncInTheOutboxAndRecordsTheDecision()
    {
        var prospect = NewProspect();
        var change = Change(prospect, SyncRules.FormSubmission);

        var step = await Apply(change);

        Assert.True(step.Applied);
        Assert.Equal(DecisionOutcome.SyncQueued, step.Decision!.Outcome);
        var request = Assert.IsType<SyncRequested>(step.ToPublish);
        Assert.Equal((prospect, 1L, "FormSubmission", 1), (request.ProspectId, request.Version, request.Rule, request.Issue));
        var status = await Status(prospect);
        Assert.Equal(request, SyncStateMachine.RequestFor(prospect, status.State.Outstanding!));
        Assert.False(status.State.Outstanding!.Published);
        Assert.Equal(step.At + Settings.PublishGrace, status.State.Outstanding.LeaseUntil);
        Assert.Equal(SyncStateMachine.ToMilliseconds(change.ReportedDate!.Value), status.State.LastActivityAt);
        Assert.Equal(change.EventId, Assert.Single(status.Decisions).EventId);
        Assert.Equal(step.Decision, status.Decisions[0]);
    }

    [Fact]
    public async Task RedeliveredEventChangesNothingButReturnsTheUnconfirmedRequest()
    {
        var prospect = NewProspect();
        var change = Change(prospect, SyncRules.FormSubmission);
        var first = await Apply(change);

        var again = await Apply(change);

        Assert.False(again.Applied);
        Assert.Null(again.Decision);
        var status = await Status(prospect);
        Assert.Equal(1, status.State.Version);
        // Within the publish grace (the usual case) the request as it was, for a redelivery to publish; past it, issued again.
        if (again.At < first.Outstanding!.LeaseUntil)
        {
            Assert.Equal(first.ToPublish, again.Unconfirmed);
            Assert.Null(again.ToPublish);
            Assert.Single(status.Decisions);
        }
        else
        {
            Assert.Equal(DecisionOutcome.PublishRetried, again.Reissue!.Outcome);
        }
    }

    [Fact]
    public async Task RedeliveredEventAfterAConfirmedPublishHasNothingToPublish()
    {
        var prospect = NewProspect();
        var change = Change(prospect, SyncRules.FormSubmission);
        var first = await Apply(change);
        var marked = await Store.MarkPublished(prospect, first.ToPublish!.SyncId, CancellationToken.None);

        var again = await Apply(change);

        Assert.True(marked.Outstanding!.Published);
        Assert.Equal(marked.At + Settings.Lease, marked.Outstanding.LeaseUntil);
        Assert.False(again.Applied);
        Assert.Null(again.ToPublish);
        Assert.Null(again.Unconfirmed);
    }

    [Fact]
    public async Task EventAppliedBeforeFindingItsSyncUnpublishedPastTheGracePublishesItAgain()
    {
        var prospect = NewProspect();
        var change = Change(prospect, SyncRules.FormSubmission);
        var queued = await Apply(change);
        await StoreClockPasses(queued.Outstanding!.LeaseUntil);

        // Moved back from an error queue, say: a first delivery, which must not leave the sync stranded.
        var again = await Apply(change);

        Assert.False(again.Applied);
        Assert.Equal((DecisionOutcome.PublishRetried, 2), (again.Reissue!.Outcome, again.Reissue.Issue));
        Assert.Null(again.Unconfirmed);
        var request = Assert.IsType<SyncRequested>(again.ToPublish);
        Assert.Equal((queued.ToPublish!.SyncId, 1L, 2), (request.SyncId, request.Version, request.Issue));
        Assert.NotEqual(queued.ToPublish.EventId, request.EventId);
        var status = await Status(prospect);
        Assert.Equal(request, SyncStateMachine.RequestFor(prospect, status.State.Outstanding!));
        Assert.Equal([DecisionOutcome.PublishRetried, DecisionOutcome.SyncQueued], status.Decisions.Select(decision => decision.Outcome));
    }

    [Fact]
    public async Task EventFindingTheSyncUnpublishedPastTheGraceJoinsItAndPublishesItAgain()
    {
        var prospect = NewProspect();
        var queued = await Apply(Change(prospect, SyncRules.FormSubmission));
        await StoreClockPasses(queued.Outstanding!.LeaseUntil);

        var joined = await Apply(Change(prospect, SyncRules.ProspectFieldChange));

        Assert.Equal((DecisionOutcome.JoinedOutstandingSync, 2L), (joined.Decision!.Outcome, joined.Decision.Version));
        Assert.Equal(DecisionOutcome.PublishRetried, joined.Reissue!.Outcome);
        var request = Assert.IsType<SyncRequested>(joined.ToPublish);
        Assert.Equal((queued.ToPublish!.SyncId, 1L, 2), (request.SyncId, request.Version, request.Issue));
        var status = await Status(prospect);
        Assert.Equal(request, SyncStateMachine.RequestFor(prospect, status.State.Outstanding!));
        Assert.Equal([DecisionOutcome.PublishRetried, DecisionOutcome.JoinedOutstandingSync, DecisionOutcome.SyncQueued],
            status.Decisions.Select(decision => decision.Outcome));
    }

    [Fact]
    public async Task FurtherTriggersJoinTheOutstandingSyncAndCompletionQueuesExactlyOneMore()
    {
        var prospect = NewProspect();
        var first = await Apply(Change(prospect, SyncRules.FormSubmission));
        // Published at once, as the dispatcher does: the lease, not the short publish grace, then runs.
        await Store.MarkPublished(prospect, first.ToPublish!.SyncId, CancellationToken.None);
        var joined = await Apply(Change(prospect, SyncRules.CrmFieldChange));
        var alsoJoined = await Apply(Change(prospect, SyncRules.Unsubscribe));

        var completed = await Apply(Completion(prospect, first.ToPublish!));

        Assert.Equal(DecisionOutcome.JoinedOutstandingSync, joined.Decision!.Outcome);
        Assert.Null(joined.ToPublish);
        Assert.Null(alsoJoined.ToPublish);
        Assert.Equal(DecisionOutcome.SyncQueued, completed.Decision!.Outcome);
        Assert.Equal((3L, "Unsubscribe"), (completed.ToPublish!.Version, completed.ToPublish.Rule));
        Assert.NotEqual(first.ToPublish!.SyncId, completed.ToPublish.SyncId);

        var settled = await Apply(Completion(prospect, completed.ToPublish));
        Assert.Equal(DecisionOutcome.NothingPending, settled.Decision!.Outcome);
        Assert.Null(settled.ToPublish);
        var state = (await Status(prospect)).State;
        Assert.Null(state.Outstanding);
        Assert.Equal((3L, 3L, 3L), (state.Version, state.SettledVersion, state.SyncedVersion));
        Assert.Equal(settled.At, state.LastSyncedAt);
    }

    [Fact]
    public async Task UnconfirmedSyncIsIssuedAgainWithTheSameSyncIdOnceItsGraceRunsOut()
    {
        var prospect = NewProspect();
        var queued = await Apply(Change(prospect, SyncRules.FormSubmission));

        var early = await Store.ReissueIfExpired(prospect, CancellationToken.None);
        Assert.Equal(early.At >= queued.Outstanding!.LeaseUntil, early.ToPublish is not null);

        var reissued = await ReissuedOnceDue(prospect);
        Assert.Equal(queued.ToPublish!.SyncId, reissued.ToPublish!.SyncId);
        Assert.NotEqual(queued.ToPublish.EventId, reissued.ToPublish.EventId);
        Assert.True(reissued.ToPublish.Issue >= 2);
        Assert.Null(reissued.Decision);
        Assert.Equal(DecisionOutcome.PublishRetried, reissued.Reissue!.Outcome);
        var status = await Status(prospect);
        Assert.Equal(reissued.Reissue, status.Decisions[0]);
        Assert.Equal(reissued.Outstanding, status.State.Outstanding);
    }

    [Fact]
    public async Task RetriedPublishesOfOneSyncTakeOneDecisionAndDoNotLengthenTheLease()
    {
        var prospect = NewProspect();
        var queued = await Apply(Change(prospect, SyncRules.FormSubmission));
        var first = await ReissuedOnceDue(prospect);
        var second = await ReissuedOnceDue(prospect);

        var marked = await Store.MarkPublished(prospect, queued.ToPublish!.SyncId, CancellationToken.None);

        Assert.Equal((DecisionOutcome.PublishRetried, 2), (first.Reissue!.Outcome, first.Reissue.Issue));
        Assert.Equal((DecisionOutcome.PublishRetried, 3), (second.Reissue!.Outcome, second.Reissue.Issue));
        Assert.Equal((3, 0), (marked.Outstanding!.Issue, marked.Outstanding.LeaseExpiries));
        Assert.Equal(marked.At + Settings.Lease, marked.Outstanding.LeaseUntil);
        Assert.Equal([second.Reissue, queued.Decision!], (await Status(prospect)).Decisions);
    }

    [Fact]
    public async Task WhatIfDecidesButChangesNothing()
    {
        var prospect = NewProspect();
        await Apply(Change(prospect, SyncRules.EmailOpen));
        var before = await Status(prospect);
        var change = Change(prospect, SyncRules.FormSubmission);

        var whatIf = await Store.WhatIf(change, CancellationToken.None);

        Assert.Equal(DecisionOutcome.SyncQueued, whatIf.Decision!.Outcome);
        var after = await Status(prospect);
        Assert.Equal(before.State, after.State);
        Assert.Equal(before.Decisions, after.Decisions);
        Assert.True((await Apply(change)).Applied);
    }

    [Fact]
    public async Task WhatIfTellsThatAnOverdueSyncWouldBeIssuedAgainButChangesNothing()
    {
        var prospect = NewProspect();
        var first = Change(prospect, SyncRules.FormSubmission);
        var queued = await Apply(first);
        await StoreClockPasses(queued.Outstanding!.LeaseUntil);
        var before = await Status(prospect);

        var next = await Store.WhatIf(Change(prospect, SyncRules.EmailOpen), CancellationToken.None);
        var again = await Store.WhatIf(first, CancellationToken.None);

        Assert.Equal((DecisionOutcome.NoSync, DecisionOutcome.PublishRetried, 2), (next.Decision!.Outcome, next.Reissue!.Outcome, next.ToPublish!.Issue));
        Assert.Equal((false, DecisionOutcome.PublishRetried, 2), (again.Applied, again.Reissue!.Outcome, again.ToPublish!.Issue));
        var after = await Status(prospect);
        Assert.Equal(before.State, after.State);
        Assert.Equal(before.Decisions, after.Decisions);
    }

    [Fact]
    public async Task WhatIfForAProspectNeverSeenCreatesNothing()
    {
        var prospect = NewProspect();

        var whatIf = await Store.WhatIf(Change(prospect, SyncRules.EmailOpen), CancellationToken.None);

        Assert.Equal(DecisionOutcome.NoSync, whatIf.Decision!.Outcome);
        Assert.Null(await Store.GetStatus(prospect, CancellationToken.None));
    }

    [Fact]
    public async Task OnlyTheConfiguredNumberOfDecisionsIsKeptNewestFirst()
    {
        var prospect = NewProspect();
        var changes = Enumerable.Range(0, Settings.DecisionsKept + 3).Select(_ => Change(prospect, SyncRules.EmailOpen)).ToList();
        foreach (var change in changes)
            await Apply(change);

        var decisions = (await Status(prospect)).Decisions;

        Assert.Equal(changes.AsEnumerable().Reverse().Take(Settings.DecisionsKept).Select(change => change.EventId), decisions.Select(decision => decision.EventId));
    }

    [Fact]
    public async Task DecisionHistoryGoesOnceTheProspectIsQuietForTheRetentionButItsStateStays()
    {
        var store = await CreateStore(Settings with { DecisionsRetention = TimeSpan.FromMilliseconds(400) });
        var prospect = NewProspect();
        await store.Apply([Change(prospect, SyncRules.DoNotSyncSet, revision: 3)], CancellationToken.None);

        var quiet = await Eventually.Until(async () =>
            await store.GetStatus(prospect, CancellationToken.None) is { Decisions.Count: 0 } status ? status : null,
            "the decisions of a quiet prospect to go");
        var open = Change(prospect, SyncRules.EmailOpen);
        await store.Apply([open], CancellationToken.None);

        Assert.True(quiet.State.DoNotSync);
        Assert.Equal(3, quiet.State.DoNotSyncRevision);
        Assert.Equal(open.EventId, Assert.Single((await store.GetStatus(prospect, CancellationToken.None))!.Decisions).EventId);
    }

    [Fact]
    public async Task ManyProspectsAreAppliedInOneCallEachInItsOwnStep()
    {
        var import = Guid.NewGuid();
        var prospects = Enumerable.Range(0, 200).Select(_ => NewProspect()).ToList();
        var changes = prospects.Select(prospect => Change(prospect, SyncRules.Import) with { EventId = import }).ToList();

        var steps = await Store.Apply(changes, CancellationToken.None);

        Assert.Equal(prospects, steps.Select(step => step.ProspectId));
        Assert.All(steps, step => Assert.Equal(DecisionOutcome.SyncQueued, step.Decision!.Outcome));
        Assert.Equal(prospects.Count, steps.Select(step => step.ToPublish!.SyncId).Distinct().Count());
        Assert.All(await Store.Apply(changes.Take(3).ToList(), CancellationToken.None), step => Assert.False(step.Applied));
    }

    [Fact]
    public async Task DatesNeverMoveBackwardsAndDatesFarAheadAreClamped()
    {
        var prospect = NewProspect();
        var now = DateTimeOffset.UtcNow;
        await Apply(Change(prospect, SyncRules.ProspectFieldChange, now));
        await Apply(Change(prospect, SyncRules.ProspectFieldChange, now.AddHours(-1)));
        var clamped = await Apply(Change(prospect, SyncRules.CrmFieldChange, now.AddDays(2)));

        var state = (await Status(prospect)).State;

        Assert.Equal(SyncStateMachine.ToMilliseconds(now), state.UpdatedAt);
        Assert.True(clamped.Decision!.DateClamped);
        Assert.Equal(clamped.At, state.CrmLastModifiedAt);
        Assert.Equal(SyncStateMachine.ToMilliseconds(now.AddDays(2)), clamped.Decision.ReportedDate);
    }

    [Fact]
    public async Task DoNotSyncHoldsSyncsBackAndClearingItQueuesOne()
    {
        var prospect = NewProspect();
        await Apply(Change(prospect, SyncRules.DoNotSyncSet, revision: 1));
        var blocked = await Apply(Change(prospect, SyncRules.FormSubmission));
        var lateClear = await Apply(Change(prospect, SyncRules.DoNotSyncCleared, revision: 0) with { Revision = 0 });

        Assert.Equal(DecisionOutcome.BlockedByDoNotSync, blocked.Decision!.Outcome);
        Assert.Equal(DecisionOutcome.SyncQueued, lateClear.Decision!.Outcome);
        Assert.False((await Status(prospect)).State.DoNotSync);
    }

    [Fact]
    public async Task ScheduleAheadPutsProspectsAGraceFromNowOverwritingAnyTimeTheyHad()
    {
        var due = NewProspect();
        var late = NewProspect();
        var past = SyncStateMachine.ToMilliseconds(DateTimeOffset.UtcNow.AddMinutes(-1));
        await Store.Schedule(due, past, CancellationToken.None);
        await Store.Schedule(late, past.AddHours(2), CancellationToken.None);
        var before = (await Store.Due(1, CancellationToken.None)).Now;

        await Store.ScheduleAhead([due, late], CancellationToken.None);

        // A relay that read the old time cannot take the prospect off any more.
        Assert.False(await Store.Reschedule(due, past, null, CancellationToken.None));
        var scheduled = await Eventually.Until(async () =>
            (await Store.Due(10_000, CancellationToken.None)).Prospects.Where(entry => entry.ProspectId == due || entry.ProspectId == late).ToList()
                is { Count: 2 } both ? both : null, "both prospects to come due a grace after they were scheduled ahead");
        Assert.All(scheduled, entry => Assert.InRange(entry.ActAt, before + Settings.PublishGrace, before + Settings.PublishGrace + TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task ScheduleHandsOutDueProspectsAndMovesThemOnlyIfUnchanged()
    {
        var prospect = NewProspect();
        var past = SyncStateMachine.ToMilliseconds(DateTimeOffset.UtcNow.AddMinutes(-1));
        await Store.Schedule(prospect, past, CancellationToken.None);

        var due = await Store.Due(10_000, CancellationToken.None);
        Assert.Contains(new ScheduledSync(prospect, past), due.Prospects);

        Assert.False(await Store.Reschedule(prospect, past.AddSeconds(1), null, CancellationToken.None));
        Assert.True(await Store.Reschedule(prospect, past, due.Now.AddHours(1), CancellationToken.None));
        Assert.DoesNotContain((await Store.Due(10_000, CancellationToken.None)).Prospects, entry => entry.ProspectId == prospect);
        Assert.True(await Store.Reschedule(prospect, due.Now.AddHours(1), null, CancellationToken.None));
        Assert.False(await Store.Reschedule(prospect, due.Now.AddHours(1), null, CancellationToken.None));
    }
}

public sealed class RedisSyncStateStoreTests : SyncStateStoreContract
{
    private readonly List<IsolatedKeyPrefix> _prefixes = [];

    private IsolatedKeyPrefix Redis => _prefixes[0];

    protected override async Task<ISyncStateStore> CreateStore(SyncStateSettings settings)
    {
        var redis = (await RedisTestServer.Shared()).CreateKeyPrefix("evaluator-store");
        _prefixes.Add(redis);
        return new RedisSyncStateStore(redis.Server.Connection,
            redis.Options,
            Options.Create(settings));
    }

    public override async Task DisposeAsync()
    {
        foreach (var prefix in _prefixes)
            await prefix.DisposeAsync();
    }

    [Fact]
    public async Task DecisionsExpireAfterTheRetentionEventIdsAfterTheDedupeWindowAndTheStateNever()
    {
        var prospect = Random.Shared.NextInt64(1_000_000, 1_000_000_000);
        await Store.Apply([new SyncChange
        {
            EventId = Guid.NewGuid(), ProspectId = prospect, EventType = "Test", Rule = SyncRules.FormSubmission, ReportedDate = DateTimeOffset.UtcNow,
        }], CancellationToken.None);

        var keys = (await Redis.Keys()).Where(key => key.Contains($"{{p:{prospect}}}", StringComparison.Ordinal)).ToList();
        async Task<TimeSpan?> ExpiryOf(string name) => await Redis.Database.KeyTimeToLiveAsync(keys.Single(key => key.EndsWith(":" + name, StringComparison.Ordinal)));

        Assert.InRange((await ExpiryOf("decisions"))!.Value, Settings.DecisionsRetention - TimeSpan.FromMinutes(1), Settings.DecisionsRetention);
        Assert.InRange((await ExpiryOf("seen"))!.Value, Settings.DedupeWindow - TimeSpan.FromMinutes(1), Settings.DedupeWindow);
        Assert.Null(await ExpiryOf("state"));
        Assert.Null(await ExpiryOf("outbox"));
    }

    [Fact]
    public async Task EveryKeyOfAProspectSharesOneHashTag()
    {
        var step = (await Store.Apply([new SyncChange
        {
            EventId = Guid.NewGuid(), ProspectId = 77, EventType = "Test", Rule = SyncRules.FormSubmission, ReportedDate = DateTimeOffset.UtcNow,
        }], CancellationToken.None)).Single();
        Assert.NotNull(step.ToPublish);

        var keys = await Redis.Keys();

        Assert.Equal(4, keys.Count(key => key.Contains("{p:77}", StringComparison.Ordinal)));
        Assert.All(keys.Where(key => key.Contains("{", StringComparison.Ordinal)), key => Assert.Contains("{p:77}", key, StringComparison.Ordinal));
    }
}

[FastLane]
public sealed class InMemorySyncStateStoreTests : SyncStateStoreContract
{
    protected override Task<ISyncStateStore> CreateStore(SyncStateSettings settings) =>
        Task.FromResult<ISyncStateStore>(new InMemorySyncStateStore(Options.Create(settings), TimeProvider.System));
}
