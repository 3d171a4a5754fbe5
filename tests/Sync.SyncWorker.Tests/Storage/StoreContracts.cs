using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using Sync.Clients.Crm;
using Sync.Contracts;
using Sync.ServiceDefaults.Storage;
using Sync.SyncWorker.Storage.Allowance;
using Sync.SyncWorker.Storage.MergeBases;
using Sync.SyncWorker.Storage.SyncErrors;
using Sync.SyncWorker.Storage.WorkerState;
using Sync.Testing;

namespace Sync.SyncWorker.Tests.Storage;

/// <summary>A store contract's test class: the Redis ones get a key prefix of their own per test, removed afterwards.</summary>
public abstract class StoreContract : IAsyncLifetime
{
    private readonly List<IsolatedKeyPrefix> _prefixes = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var prefix in _prefixes)
            await prefix.DisposeAsync();
    }

    protected async Task<(IConnectionMultiplexer Redis, IOptions<RedisOptions> Options)> Redis(string purpose)
    {
        var prefix = (await RedisTestServer.Shared()).CreateKeyPrefix(purpose);
        _prefixes.Add(prefix);
        return (prefix.Server.Connection, prefix.Options);
    }

    /// <summary>Lets <paramref name="time"/> pass for the keys of every Redis store this test made (see <see cref="IsolatedKeyPrefix.Age"/>).</summary>
    protected async Task AgeRedisKeys(TimeSpan time)
    {
        foreach (var prefix in _prefixes)
            await prefix.Age(time);
    }
}

/// <summary>What every allowance store does, Redis or in memory: the shared pacing bucket and the allowance view.</summary>
public abstract class AllowanceStoreContract : StoreContract
{
    private static readonly AllowancePolicy NoReserve = new(ReservePercent: 0, BurstCalls: 5, InFlightFor: TimeSpan.FromMinutes(2));

    protected abstract Task<IAllowanceStore> Create();

    private static async Task Limits(IAllowanceStore store, int used, int limit, DateTimeOffset? resetsAt = null) =>
        await store.LearnLimits(await store.BeginLimitsRead(), new CrmLimits(new CrmApiUsage(used, limit), resetsAt ?? DateTimeOffset.UtcNow.AddHours(1)));

    private static async Task<AllowanceCall> Grant(IAllowanceStore store)
    {
        var decision = await store.Reserve(1, NoReserve);
        Assert.True(decision.Granted);
        return decision.Calls(1)[0];
    }

    [Fact]
    public async Task CallsAreGrantedWhileNothingIsKnownOfTheAllowance()
    {
        var store = await Create();

        Assert.True((await store.Reserve(2, NoReserve)).Granted);
    }

    [Fact]
    public async Task NoCallIsGrantedThatWouldEatIntoTheReserve()
    {
        var store = await Create();
        await Limits(store, used: 85, limit: 100);
        var tenPerCentReserve = NoReserve with { ReservePercent = 10 };

        var granted = 0;
        AllowanceDecision decision;
        while ((decision = await store.Reserve(1, tenPerCentReserve)).Granted)
            granted++;

        Assert.Equal(5, granted);
        Assert.True(decision.Spent);
        Assert.Equal(90, (await store.Read()).Used);
    }

    [Fact]
    public async Task ABatchIsGrantedAllItsCallsOrNone()
    {
        var store = await Create();
        // 50 a day, 47 used, 5 % reserve (2 calls): one call is left for the sync, and a batch needs two.
        await Limits(store, used: 47, limit: 50);

        var batch = await store.Reserve(2, NoReserve with { ReservePercent = 5 });

        Assert.False(batch.Granted);
        Assert.True(batch.Spent);
        Assert.Equal(47, (await store.Read()).Used);
    }

    [Fact]
    public async Task TheBucketBurstsThenPacesTheRestOverTheTimeLeft()
    {
        var store = await Create();
        // 1,000 calls left over 1,000 s: one call a second once the burst of 5 is spent (slow enough that a busy machine
        // taking the burst does not refill a token meanwhile).
        await Limits(store, 0, 1000, DateTimeOffset.UtcNow.AddSeconds(1000));

        for (var i = 0; i < 5; i++)
            Assert.True((await store.Reserve(1, NoReserve)).Granted);
        var paced = await store.Reserve(1, NoReserve);

        Assert.False(paced.Granted);
        Assert.False(paced.Spent);
        Assert.InRange(paced.Wait, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(1050));
        await Eventually.True(async () => (await store.Reserve(1, NoReserve)).Granted, "the bucket to refill");
    }

    [Fact]
    public async Task ADryRunTakesNothing()
    {
        var store = await Create();
        await Limits(store, 0, 2);

        Assert.True((await store.Reserve(2, NoReserve, dryRun: true)).Granted);
        Assert.True((await store.Reserve(2, NoReserve, dryRun: true)).Granted);
        Assert.Equal(0, (await store.Read()).Used);
    }

    [Fact]
    public async Task TheUsageIsTheNewestReportPlusTheCallsGrantedSince()
    {
        var store = await Create();
        await Limits(store, 10, 100);

        var calls = (await store.Reserve(2, NoReserve)).Calls(2);
        Assert.Equal(12, (await store.Read()).Used);

        await store.LearnAnswer(calls[0], new CrmApiUsage(11, 100));
        Assert.Equal(12, (await store.Read()).Used);

        // The batch needed no write: the call it reserved for one no longer counts.
        await store.Release(calls[1]);
        Assert.Equal(11, (await store.Read()).Used);
    }

    [Fact]
    public async Task TheNewestReportByStampWinsWhateverOrderTheAnswersArriveIn()
    {
        var store = await Create();
        await Limits(store, 50, 100);
        var calls = (await store.Reserve(2, NoReserve)).Calls(2);

        // The second call's answer arrives first; the first call's, older, arrives after it and is not taken.
        await store.LearnAnswer(calls[1], new CrmApiUsage(60, 100));
        await store.LearnAnswer(calls[0], new CrmApiUsage(59, 100));
        Assert.Equal(60, (await store.Read()).Used);

        // An administrator reset the usage: the next call's answer says so, and the figure goes down.
        var next = await Grant(store);
        await store.LearnAnswer(next, new CrmApiUsage(3, 100));
        Assert.Equal(3, (await store.Read()).Used);

        // A late answer of a call granted before it changes nothing.
        await store.LearnAnswer(calls[0], new CrmApiUsage(61, 100));
        Assert.Equal(3, (await store.Read()).Used);
    }

    [Fact]
    public async Task ACallStillInFlightWhenAnotherWasGrantedCountsUntilANewerReportCoversIt()
    {
        var store = await Create();
        await Limits(store, 20, 100);
        var first = await Grant(store);
        var second = await Grant(store);

        // The CRM may charge the first after the second: the second's report (21) does not include it.
        await store.LearnAnswer(second, new CrmApiUsage(21, 100));
        Assert.Equal(22, (await store.Read()).Used);

        await store.LearnAnswer(first, new CrmApiUsage(22, 100));
        Assert.Equal(22, (await store.Read()).Used);
    }

    [Fact]
    public async Task ALimitsReadLowersTheUsageWhenTheCrmSaysSo()
    {
        var store = await Create();
        await Limits(store, 49, 50);
        Assert.True((await store.Reserve(2, NoReserve, dryRun: true)).Spent);

        await Limits(store, 2, 50);

        Assert.Equal(2, (await store.Read()).Used);
        Assert.True((await store.Reserve(2, NoReserve)).Granted);
    }

    [Fact]
    public async Task ARefusalSpendsTheAllowanceUntilItResets()
    {
        var store = await Create();
        var resetsAt = DateTimeOffset.UtcNow.AddMilliseconds(300);
        await Limits(store, 10, 100);
        var refused = await Grant(store);

        await store.LearnSpent(refused, new CrmApiUsage(100, 100), resetsAt);

        var spent = await store.Reserve(1, NoReserve);
        Assert.True(spent.Spent);
        Assert.Equal(resetsAt.ToUnixTimeMilliseconds(), spent.ResetsAt?.ToUnixTimeMilliseconds());
        await Eventually.True(async () => (await store.Reserve(1, NoReserve)).Granted, "the allowance to reset");
    }

    [Fact]
    public async Task AResetTheCrmsClockHasNotReachedIsNotAssumedByTheWorkersClock()
    {
        var store = await Create();
        await Limits(store, 10, 100);
        var refused = await Grant(store);

        // The CRM's clock runs a minute behind: the day boundary it names has passed by this one.
        await store.LearnSpent(refused, new CrmApiUsage(100, 100), DateTimeOffset.UtcNow.AddMinutes(-1));

        var spent = await store.Reserve(1, NoReserve);
        Assert.True(spent.Spent);
        Assert.Null(spent.ResetsAt);
        await Limits(store, 100, 100, DateTimeOffset.UtcNow.AddMinutes(-1));
        Assert.True((await store.Reserve(1, NoReserve)).Spent);

        await Limits(store, 0, 100, DateTimeOffset.UtcNow.AddDays(1));
        Assert.True((await store.Reserve(1, NoReserve)).Granted);
    }
}

/// <summary>What every sync-error list does, Redis or in memory.</summary>
public abstract class SyncErrorStoreContract : StoreContract
{
    protected abstract Task<ISyncErrorStore> Create();

    private static async Task<IReadOnlyList<SyncErrorEntry>> All(ISyncErrorStore store) =>
        (await store.List(new SyncErrorQuery(null, 0, 1000))).Entries;

    [Fact]
    public async Task TheListPagesInProspectIdOrderAndFiltersByErrorCode()
    {
        var store = await Create();
        var at = DateTimeOffset.UtcNow;
        // 1,200 entries, more than one scan of the store holds; every third one refused for its e-mail address.
        await store.Record([.. Enumerable.Range(1, 1200).Reverse().Select(id => new SyncErrorOccurrence(id, Guid.NewGuid(),
            id % 3 == 0 ? "INVALID_EMAIL_ADDRESS" : "REQUIRED_FIELD_MISSING", "refused", [], at))]);

        var pages = new List<SyncErrorPage>();
        var after = 0L;
        do
        {
            pages.Add(await store.List(new SyncErrorQuery("INVALID_EMAIL_ADDRESS", after, 150)));
            after = pages[^1].Entries.LastOrDefault()?.ProspectId ?? after;
        }
        while (pages[^1].HasMore);

        Assert.Equal([150, 150, 100], pages.Select(page => page.Entries.Count));
        Assert.All(pages, page => Assert.Equal(400, page.Total));
        Assert.Equal(Enumerable.Range(1, 400).Select(i => (long)i * 3), pages.SelectMany(page => page.Entries).Select(entry => entry.ProspectId));
        var unfiltered = await store.List(new SyncErrorQuery(null, 1195, 10));
        Assert.Equal([1196L, 1197, 1198, 1199, 1200], unfiltered.Entries.Select(entry => entry.ProspectId));
        Assert.Equal((1200, false), (unfiltered.Total, unfiltered.HasMore));
    }

    [Fact]
    public async Task AnEntryKeepsWhenItWasFirstSeenAndCountsAttempts()
    {
        var store = await Create();
        var first = new DateTimeOffset(2025, 3, 1, 10, 0, 0, TimeSpan.Zero);
        var syncId = Guid.NewGuid();

        await store.Record([new SyncErrorOccurrence(7, Guid.NewGuid(), "REQUIRED_FIELD_MISSING", "Required fields are missing: [LastName]", ["LastName"], first)]);
        await store.Record([new SyncErrorOccurrence(7, syncId, "FIELD_CUSTOM_VALIDATION_EXCEPTION", "Title is not allowed", ["Title", "Phone"], first.AddHours(1))]);

        var entry = Assert.Single(await All(store));
        Assert.Equal(7, entry.ProspectId);
        Assert.Equal("FIELD_CUSTOM_VALIDATION_EXCEPTION", entry.ErrorCode);
        Assert.Equal("Title is not allowed", entry.Message);
        Assert.Equal(["Title", "Phone"], entry.Fields);
        Assert.Equal(first, entry.FirstSeen);
        Assert.Equal(first.AddHours(1), entry.LastSeen);
        Assert.Equal(2, entry.Attempts);
        Assert.Equal(syncId, entry.LastSyncId);
        Assert.Null(entry.RetryRequestedAt);
    }

    [Fact]
    public async Task ARetryIsNotedAndASuccessClearsTheEntry()
    {
        var store = await Create();
        var at = DateTimeOffset.UtcNow;
        await store.Record([new SyncErrorOccurrence(8, Guid.NewGuid(), "INVALID_EMAIL_ADDRESS", "Email: invalid email address", [], at)]);

        await store.MarkRetryRequested([8, 9], at.AddMinutes(1));
        Assert.Equal(at.AddMinutes(1).ToUnixTimeMilliseconds(), (await store.Find(8))!.RetryRequestedAt?.ToUnixTimeMilliseconds());
        Assert.Null(await store.Find(9));
        Assert.Empty((await store.Find(8))!.Fields);

        await store.Clear([8]);
        Assert.Empty(await All(store));
    }

    [Fact]
    public async Task ARetryNotedWhileErrorsAreRecordedLosesNoAttempt()
    {
        var store = await Create();
        var first = new DateTimeOffset(2025, 3, 1, 10, 0, 0, TimeSpan.Zero);
        long[] prospects = [21, 22, 23, 24];
        const int Recordings = 30;
        await store.Record([.. prospects.Select(id => new SyncErrorOccurrence(id, Guid.NewGuid(), "REQUIRED_FIELD_MISSING", "Required fields are missing: [LastName]", ["LastName"], first))]);

        // Each retry mark lands between recordings of the same entries; a mark that wrote back what it had read would undo them.
        await Task.WhenAll(Enumerable.Range(1, Recordings).SelectMany(round => new[]
        {
            store.Record([.. prospects.Select(id => new SyncErrorOccurrence(id, Guid.NewGuid(), "FIELD_CUSTOM_VALIDATION_EXCEPTION", $"Attempt {round}", ["Title"], first.AddMinutes(round)))]),
            store.MarkRetryRequested(prospects, first.AddMinutes(round)),
        }));

        var entries = await All(store);
        Assert.Equal(prospects, entries.Select(entry => entry.ProspectId));
        Assert.All(entries, entry =>
        {
            Assert.Equal(1 + Recordings, entry.Attempts);
            Assert.Equal("FIELD_CUSTOM_VALIDATION_EXCEPTION", entry.ErrorCode);
            Assert.Equal(first, entry.FirstSeen);
        });

        var retried = first.AddHours(1);
        await store.MarkRetryRequested(prospects, retried);
        Assert.All(await All(store), entry =>
        {
            Assert.Equal(retried.ToUnixTimeMilliseconds(), entry.RetryRequestedAt?.ToUnixTimeMilliseconds());
            Assert.Equal(1 + Recordings, entry.Attempts);
            Assert.Equal(["Title"], entry.Fields);
        });
    }
}

/// <summary>What every worker state store does, Redis or in memory: claims, remembered completions, the pause, totals.</summary>
public abstract class WorkerStateStoreContract : StoreContract
{
    protected abstract Task<IWorkerStateStore> Create();

    [Fact]
    public async Task AProspectIsClaimedByOneBatchAtATime()
    {
        var store = await Create();

        var first = await store.Claim([1, 2], "batch-a", TimeSpan.FromMinutes(1));
        var second = await store.Claim([2, 3], "batch-b", TimeSpan.FromMinutes(1));
        await store.Release([2], "batch-b");
        var third = await store.Claim([2], "batch-c", TimeSpan.FromMinutes(1));
        await store.Release([1, 2], "batch-a");
        var fourth = await store.Claim([1, 2], "batch-d", TimeSpan.FromMinutes(1));

        Assert.Equal([1L, 2L], first.Order());
        Assert.Equal([3L], second);
        Assert.Empty(third);
        Assert.Equal([1L, 2L], fourth.Order());
    }

    [Fact]
    public async Task AnExpiredClaimCanBeTakenOver()
    {
        var store = await Create();
        await store.Claim([5], "crashed-batch", TimeSpan.FromMilliseconds(200));

        await Eventually.True(async () => (await store.Claim([5], "next-batch", TimeSpan.FromMinutes(1))).Contains(5), "the claim to expire");
    }

    [Fact]
    public async Task ACompletedSyncIsRememberedByItsSyncIdAndVersion()
    {
        var store = await Create();
        var completion = new SyncCompleted
        {
            EventId = Guid.NewGuid(),
            ProspectId = 11,
            OccurredAt = DateTimeOffset.UtcNow,
            SyncId = Guid.NewGuid(),
            Version = 4,
            Outcome = SyncOutcome.Synced,
            CrmObjectType = CrmObjectType.Contact,
            CrmRecordId = "003000000000001",
        };

        await store.RememberCompleted([completion], TimeSpan.FromMinutes(1));
        var found = await store.FindCompleted([new SyncKey(11, completion.SyncId, 4), new SyncKey(11, completion.SyncId, 5)]);

        var remembered = Assert.Single(found);
        Assert.Equal(new SyncKey(11, completion.SyncId, 4), remembered.Key);
        Assert.Equal(completion, remembered.Value);
    }

    [Fact]
    public async Task ThePauseIsKeptUntilCleared()
    {
        var store = await Create();
        var since = new DateTimeOffset(2025, 5, 1, 8, 30, 0, TimeSpan.Zero);

        await store.SetPause(new OperatorPause(since, "CRM maintenance"));
        Assert.Equal(new OperatorPause(since, "CRM maintenance"), await store.GetPause());

        await store.SetPause(null);
        Assert.Null(await store.GetPause());
    }

    [Fact]
    public async Task BatchTotalsAddUp()
    {
        var store = await Create();
        var at = DateTimeOffset.UtcNow;

        await store.RecordBatch(new BatchRecord(at, 200, 2, TimeSpan.FromMilliseconds(120),
            new Dictionary<SyncOutcome, int> { [SyncOutcome.Synced] = 199, [SyncOutcome.Failed] = 1 }));
        await store.RecordBatch(new BatchRecord(at.AddSeconds(1), 3, 2, TimeSpan.FromMilliseconds(30),
            new Dictionary<SyncOutcome, int> { [SyncOutcome.Synced] = 3 }));
        await store.RecordError("CrmTransientException: 503", at);

        var totals = await store.GetTotals();
        Assert.Equal(2, totals.Batches);
        Assert.Equal(203, totals.Prospects);
        Assert.Equal(4, totals.CrmCalls);
        Assert.Equal(202, totals.Outcomes[SyncOutcome.Synced]);
        Assert.Equal(1, totals.Outcomes[SyncOutcome.Failed]);
        Assert.Equal(3, totals.LastBatchSize);
        Assert.Equal("CrmTransientException: 503", totals.LastError);
    }
}

/// <summary>What every merge base store does, Redis or in memory: a prospect's agreed values, replaced by each sync, forgotten after the retention.</summary>
public abstract class MergeBaseStoreContract : StoreContract
{
    private static readonly DateTimeOffset At = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    protected abstract Task<IMergeBaseStore> Create();

    /// <summary>Lets <paramref name="time"/> pass for the store: by the TTLs of its Redis keys, or by the in-memory store's TimeProvider.</summary>
    protected abstract Task Pass(TimeSpan time);

    [Fact]
    public async Task EachProspectsBaseIsFoundWithItsRecordAndABlankFieldIsTellableFromAnUnknownOne()
    {
        var store = await Create();
        await store.Save(
        [
            new MergeBase(21, "00Q000000000021", new Dictionary<string, string?> { ["company"] = "Initech", ["city"] = null }, At),
            new MergeBase(22, "003000000000022", new Dictionary<string, string?> { ["title"] = "CTO" }, At),
        ], TimeSpan.FromMinutes(1));

        var found = await store.Find([21, 22, 23]);

        Assert.Equal([21L, 22L], found.Keys.Order());
        var first = found[21];
        Assert.Equal(("00Q000000000021", At), (first.CrmRecordId, first.AgreedAt));
        Assert.Equal("Initech", first.Values["Company"]);
        Assert.True(first.Values.ContainsKey("city"));
        Assert.Null(first.Values["city"]);
        Assert.False(first.Values.ContainsKey("title"));
        Assert.Equal("CTO", found[22].Values["title"]);
    }

    [Fact]
    public async Task TheNextSyncReplacesTheBase()
    {
        var store = await Create();
        await store.Save([new MergeBase(31, "00Q000000000031", new Dictionary<string, string?> { ["company"] = "Initech", ["city"] = "Austin" }, At)], TimeSpan.FromMinutes(1));

        await store.Save([new MergeBase(31, "003000000000031", new Dictionary<string, string?> { ["company"] = "Initrode" }, At.AddMinutes(5))], TimeSpan.FromMinutes(1));

        var replaced = (await store.Find([31]))[31];
        Assert.Equal(("003000000000031", At.AddMinutes(5)), (replaced.CrmRecordId, replaced.AgreedAt));
        Assert.Equal(new Dictionary<string, string?> { ["company"] = "Initrode" }, replaced.Values);
    }

    [Fact]
    public async Task ABaseIsForgottenAfterItsRetention()
    {
        var store = await Create();
        await store.Save([new MergeBase(41, "00Q000000000041", new Dictionary<string, string?> { ["company"] = "Initech" }, At)], TimeSpan.FromSeconds(2));

        await Pass(TimeSpan.FromSeconds(1));
        Assert.Single(await store.Find([41]));

        await Pass(TimeSpan.FromSeconds(1.1));
        Assert.Empty(await store.Find([41]));
    }
}

public sealed class RedisAllowanceStoreTests : AllowanceStoreContract
{
    protected override async Task<IAllowanceStore> Create()
    {
        var (redis, options) = await Redis("allowance");
        return new RedisAllowanceStore(redis, options);
    }
}

[FastLane]
public sealed class InMemoryAllowanceStoreTests : AllowanceStoreContract
{
    protected override Task<IAllowanceStore> Create() => Task.FromResult<IAllowanceStore>(new InMemoryAllowanceStore(TimeProvider.System));
}

public sealed class RedisSyncErrorStoreTests : SyncErrorStoreContract
{
    protected override async Task<ISyncErrorStore> Create()
    {
        var (redis, options) = await Redis("sync-errors");
        return new RedisSyncErrorStore(redis, options);
    }
}

[FastLane]
public sealed class InMemorySyncErrorStoreTests : SyncErrorStoreContract
{
    protected override Task<ISyncErrorStore> Create() => Task.FromResult<ISyncErrorStore>(new InMemorySyncErrorStore());
}

public sealed class RedisWorkerStateStoreTests : WorkerStateStoreContract
{
    protected override async Task<IWorkerStateStore> Create()
    {
        var (redis, options) = await Redis("worker-state");
        return new RedisWorkerStateStore(redis, options);
    }
}

public sealed class RedisMergeBaseStoreTests : MergeBaseStoreContract
{
    protected override async Task<IMergeBaseStore> Create()
    {
        var (redis, options) = await Redis("merge-base");
        return new RedisMergeBaseStore(redis, options);
    }

    protected override Task Pass(TimeSpan time) => AgeRedisKeys(time);
}

[FastLane]
public sealed class InMemoryMergeBaseStoreTests : MergeBaseStoreContract
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    protected override Task<IMergeBaseStore> Create() => Task.FromResult<IMergeBaseStore>(new InMemoryMergeBaseStore(_clock));

    protected override Task Pass(TimeSpan time)
    {
        _clock.Advance(time);
        return Task.CompletedTask;
    }
}

[FastLane]
public sealed class InMemoryWorkerStateStoreTests : WorkerStateStoreContract
{
    protected override Task<IWorkerStateStore> Create() => Task.FromResult<IWorkerStateStore>(new InMemoryWorkerStateStore(TimeProvider.System));
}
