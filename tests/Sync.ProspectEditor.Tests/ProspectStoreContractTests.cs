using Sync.Contracts;
using Sync.ProspectEditor.Prospects;
using Sync.ProspectEditor.Storage;
using Sync.Testing;

namespace Sync.ProspectEditor.Tests;

/// <summary>What every prospect store promises; run against Redis and against the in-memory store of the embedded host.</summary>
public abstract class ProspectStoreContract
{
    protected IProspectStore Store { get; set; } = null!;

    [Fact]
    public async Task ClaimsRacingForOneAddressAllGetTheSameId()
    {
        var email = ProspectEditorFixture.UniqueEmail().ToLowerInvariant();
        using var start = new ManualResetEventSlim();
        var claims = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            return await Store.Claim(email, CancellationToken.None);
        })).Append(Task.Run(async () =>
        {
            start.Set();
            return await Store.Claim(email, CancellationToken.None);
        })));

        var id = Assert.Single(claims.Select(claim => claim.ProspectId).Distinct());
        Assert.True(id > 0);
        Assert.Single(claims, claim => claim.Claimed);
        Assert.Equal(id, await Store.FindClaim(email, CancellationToken.None));
        Assert.True(await Store.HighestId(CancellationToken.None) >= id);
    }

    [Fact]
    public async Task AWriteLandsOnlyOnTheRevisionItRead()
    {
        var prospect = await NewProspect();

        Assert.True(await Store.TryWrite(prospect, 0, Change(prospect), CancellationToken.None));
        Assert.False(await Store.TryWrite(prospect, 0, Change(prospect), CancellationToken.None));
        var second = prospect with { Revision = 2, Fields = new Dictionary<string, string> { ["city"] = "Oslo" } };
        Assert.True(await Store.TryWrite(second, 1, Change(second), CancellationToken.None));
        Assert.False(await Store.TryWrite(second with { Revision = 3 }, 1, Change(second), CancellationToken.None));

        var stored = await Store.Get(prospect.Id, CancellationToken.None);
        Assert.Equal(2, stored!.Revision);
        Assert.Equal("Oslo", stored.Fields["city"]);
        Assert.Equal(2, (await Store.ReadOutbox(prospect.Id, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task TheOutboxHoldsEachWrittenEventInRevisionOrderUntilAcknowledged()
    {
        var prospect = await NewProspect();
        var first = Change(prospect);
        await Store.TryWrite(prospect, 0, first, CancellationToken.None);
        var next = prospect with { Revision = 2 };
        var second = Change(next);
        await Store.TryWrite(next, 1, second, CancellationToken.None);

        Assert.Equal([first.EventId, second.EventId], (await Store.ReadOutbox(prospect.Id, CancellationToken.None)).Select(change => change.EventId));
        await Store.Acknowledge(prospect.Id, [first.EventId], CancellationToken.None);
        var left = Assert.Single(await Store.ReadOutbox(prospect.Id, CancellationToken.None));
        Assert.Equal((second.EventId, second.Revision, second.Kind, second.Origin), (left.EventId, left.Revision, left.Kind, left.Origin));
        Assert.Equal(second.ChangedFields, left.ChangedFields);
    }

    [Fact]
    public async Task AMarkIsForgottenOnlyOnceItsOutboxIsEmptyAndNobodyMarkedItAgain()
    {
        var prospect = await NewProspect();
        var change = Change(prospect);
        await Store.TryWrite(prospect, 0, change, CancellationToken.None);
        var mark = await MarkOf(prospect.Id);

        Assert.False(await Store.ReleaseIfDrained(mark, CancellationToken.None));
        await Store.Acknowledge(prospect.Id, [change.EventId], CancellationToken.None);

        // A write after the mark was read: its event must not lose its mark.
        var next = prospect with { Revision = 2 };
        var later = Change(next);
        await Store.TryWrite(next, 1, later, CancellationToken.None);
        await Store.Acknowledge(prospect.Id, [later.EventId], CancellationToken.None);
        Assert.False(await Store.ReleaseIfDrained(mark, CancellationToken.None));

        var fresh = await MarkOf(prospect.Id);
        Assert.True(await Store.ReleaseIfDrained(fresh, CancellationToken.None));
        Assert.DoesNotContain(await Store.PendingOutboxes(TimeSpan.Zero, 10_000, CancellationToken.None), pending => pending.ProspectId == prospect.Id);
    }

    [Fact]
    public async Task MarksYoungerThanTheGraceAreNotYetListed()
    {
        var prospect = await NewProspect();
        await Store.TryWrite(prospect, 0, Change(prospect), CancellationToken.None);

        Assert.DoesNotContain(await Store.PendingOutboxes(TimeSpan.FromMinutes(5), 10_000, CancellationToken.None), mark => mark.ProspectId == prospect.Id);
        await MarkOf(prospect.Id);
    }

    [Fact]
    public async Task ReadingManyReturnsThoseThatExistInTheOrderAsked()
    {
        var first = await NewProspect();
        var second = await NewProspect();
        await Store.TryWrite(first, 0, Change(first), CancellationToken.None);
        await Store.TryWrite(second, 0, Change(second), CancellationToken.None);

        var found = await Store.GetMany([second.Id, 999_999_999, first.Id], CancellationToken.None);

        Assert.Equal([second.Id, first.Id], found.Select(prospect => prospect.Id));
        Assert.Null(await Store.Get(999_999_999, CancellationToken.None));
    }

    [Fact]
    public async Task TheBackstopListsEveryOutboxHoldingEventsAndLeavesExistingMarksAlone()
    {
        var prospect = await NewProspect();
        var change = Change(prospect);
        await Store.TryWrite(prospect, 0, change, CancellationToken.None);
        var mark = await MarkOf(prospect.Id);

        Assert.Contains(prospect.Id, await OutboxesWithEvents());
        Assert.Equal(0, await Store.MarkUnmarked([prospect.Id], CancellationToken.None));
        Assert.Equal(mark, await MarkOf(prospect.Id));

        await Store.Acknowledge(prospect.Id, [change.EventId], CancellationToken.None);
        Assert.DoesNotContain(prospect.Id, await OutboxesWithEvents());
    }

    protected async Task<List<long>> OutboxesWithEvents()
    {
        var found = new List<long>();
        await foreach (var page in Store.OutboxesWithEvents(3, CancellationToken.None))
            found.AddRange(page);
        return found;
    }

    protected async Task<OutboxMark> MarkOf(long prospectId)
    {
        OutboxMark? found = null;
        await Eventually.True(async () =>
            (found = (await Store.PendingOutboxes(TimeSpan.Zero, 10_000, CancellationToken.None))
                .Where(mark => mark.ProspectId == prospectId).Cast<OutboxMark?>().FirstOrDefault()) is not null,
            $"prospect {prospectId}'s outbox mark");
        return found!.Value;
    }

    protected async Task<Prospect> NewProspect()
    {
        var email = ProspectEditorFixture.UniqueEmail().ToLowerInvariant();
        var claim = await Store.Claim(email, CancellationToken.None);
        var now = DateTimeOffset.UtcNow;
        return new Prospect { Id = claim.ProspectId, Email = email, Revision = 1, CreatedAt = now, UpdatedAt = now };
    }

    protected static ProspectChanged Change(Prospect prospect) => new()
    {
        EventId = Guid.NewGuid(),
        ProspectId = prospect.Id,
        OccurredAt = prospect.UpdatedAt,
        Kind = prospect.Revision == 1 ? ProspectChangeKind.Created : ProspectChangeKind.FieldsUpdated,
        Origin = ChangeOrigin.Api,
        Revision = prospect.Revision,
        ChangedFields = ["city"],
    };
}

public sealed class RedisProspectStoreTests : ProspectStoreContract, IAsyncLifetime
{
    private IsolatedKeyPrefix _redis = null!;

    public async Task InitializeAsync()
    {
        var server = await RedisTestServer.Shared();
        _redis = server.CreateKeyPrefix("prospect-store");
        Store = new RedisProspectStore(server.Connection, _redis.Options);
    }

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    [Fact]
    public async Task AProspectAndItsOutboxShareOneClusterSlot()
    {
        var email = ProspectEditorFixture.UniqueEmail().ToLowerInvariant();
        var id = (await Store.Claim(email, CancellationToken.None)).ProspectId;
        var now = DateTimeOffset.UtcNow;
        var prospect = new Prospect { Id = id, Email = email, Revision = 1, CreatedAt = now, UpdatedAt = now };
        await Store.TryWrite(prospect, 0, new ProspectChanged
        {
            EventId = Guid.NewGuid(), ProspectId = id, OccurredAt = now, Kind = ProspectChangeKind.Created, Origin = ChangeOrigin.Api, Revision = 1,
        }, CancellationToken.None);

        var keys = (await _redis.Keys()).Where(key => key.Contains($"{{p:{id}}}", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, keys.Count);
    }

    [Fact]
    public async Task AnOutboxLeftWithoutAMarkIsFoundAndMarkedAsDueAtOnce()
    {
        var prospect = await NewProspect();
        await Store.TryWrite(prospect, 0, Change(prospect), CancellationToken.None);
        // What a write slower than the grace leaves when the sweep forgot its mark meanwhile and the process then died.
        await _redis.Database.SortedSetRemoveAsync($"{_redis.Prefix}:prospect-editor:outbox-pending", prospect.Id);
        Assert.DoesNotContain(await Store.PendingOutboxes(TimeSpan.FromMinutes(-1), 10_000, CancellationToken.None), mark => mark.ProspectId == prospect.Id);

        var orphans = (await OutboxesWithEvents()).Where(id => id == prospect.Id).ToList();

        Assert.Equal(1, await Store.MarkUnmarked(orphans, CancellationToken.None));
        Assert.Contains(await Store.PendingOutboxes(TimeSpan.FromMinutes(10), 10_000, CancellationToken.None), mark => mark.ProspectId == prospect.Id);
        Assert.Equal(0, await Store.MarkUnmarked(orphans, CancellationToken.None));
    }
}

[FastLane]
public sealed class InMemoryProspectStoreTests : ProspectStoreContract
{
    public InMemoryProspectStoreTests() => Store = new InMemoryProspectStore(TimeProvider.System);
}
