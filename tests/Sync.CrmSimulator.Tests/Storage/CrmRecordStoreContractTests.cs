using Microsoft.Extensions.Options;
using Sync.Clients.Crm;
using Sync.Contracts;
using Sync.CrmSimulator.Configuration;
using Sync.CrmSimulator.Schema;
using Sync.CrmSimulator.Storage.Records;
using Sync.Testing;

namespace Sync.CrmSimulator.Tests.Storage;

/// <summary>What both record stores promise: commits all or nothing with their feed entries, versions, indexes, retention.</summary>
public abstract class CrmRecordStoreContract : IAsyncLifetime
{
    protected const int RetainedEntries = 5;

    protected ICrmRecordStore Store { get; set; } = null!;

    protected static IOptions<CrmSimulatorOptions> Options { get; } =
        Microsoft.Extensions.Options.Options.Create(new CrmSimulatorOptions { Feed = new ChangeFeedOptions { RetainedEntries = RetainedEntries } });

    public abstract Task InitializeAsync();

    public abstract Task DisposeAsync();

    [Fact]
    public async Task ACommittedRecordIsReadBackWithItsVersion()
    {
        var id = await NewLeadId();

        var result = await Store.Commit([Write(id, 0, Lead("a@example.com"))], CancellationToken.None);

        Assert.True(result.Committed);
        var record = await Store.Get("Lead", id, CancellationToken.None);
        Assert.NotNull(record);
        Assert.Equal(1, record.Version);
        Assert.Equal("a@example.com", record[SObjectSchema.Email]);
        Assert.Equal([id], (await Store.GetMany("Lead", [id, "00QSy0000099999IAA"], CancellationToken.None)).Select(found => found.Id));
        Assert.Contains(id, await Store.AllIds("Lead", CancellationToken.None));
    }

    [Fact]
    public async Task AStaleVersionCommitsNothingOfTheBatch()
    {
        var existing = await NewLeadId();
        await Store.Commit([Write(existing, 0, Lead("first@example.com"))], CancellationToken.None);
        var fresh = await NewLeadId();
        var head = (await Store.ReadFeed(0, 100, CancellationToken.None)).Head;

        var result = await Store.Commit([Write(fresh, 0, Lead("fresh@example.com")), Write(existing, 0, Lead("second@example.com"))], CancellationToken.None);

        Assert.False(result.Committed);
        Assert.Equal(1, result.ConflictIndex);
        Assert.Null(await Store.Get("Lead", fresh, CancellationToken.None));
        Assert.Equal("first@example.com", (await Store.Get("Lead", existing, CancellationToken.None))![SObjectSchema.Email]);
        Assert.Equal(head, (await Store.ReadFeed(0, 100, CancellationToken.None)).Head);
    }

    [Fact]
    public async Task FeedEntriesGetConsecutivePositionsInCommitOrder()
    {
        var first = await NewLeadId();
        var second = await NewLeadId();

        var result = await Store.Commit([Write(first, 0, Lead("one@example.com")), Write(second, 0, Lead("two@example.com"))], CancellationToken.None);

        Assert.Equal(result.Positions[0] + 1, result.Positions[1]);
        var page = await Store.ReadFeed(result.Positions[0]!.Value - 1, 10, CancellationToken.None);
        Assert.Equal([first, second], page.Changes.Select(change => change.RecordId));
        Assert.Equal(result.Positions, page.Changes.Select(change => (long?)change.Position));
        Assert.Equal("two@example.com", page.Changes[1].Email);
        Assert.Equal(12345678901234, page.Changes[1].ProspectId);
        Assert.Equal(page.Changes[1].Position, page.Head);
    }

    [Fact]
    public async Task AFeedEntryCanBeCommittedWithoutChangingTheRecord()
    {
        var id = await NewLeadId();
        await Store.Commit([Write(id, 0, Lead("formula@example.com"))], CancellationToken.None);

        var result = await Store.Commit([new RecordWrite("Lead", id, 1, null, null, Entry(id, moved: false))], CancellationToken.None);

        Assert.True(result.Committed);
        Assert.Equal(1, (await Store.Get("Lead", id, CancellationToken.None))!.Version);
        var change = (await Store.ReadFeed(result.Positions[0]!.Value - 1, 1, CancellationToken.None)).Changes.Single();
        Assert.False(change.LastModifiedDateMoved);
    }

    [Fact]
    public async Task IndexesFollowTheRecordsValuesWithoutRegardToCase()
    {
        var id = await NewLeadId();
        var before = Lead("Old.Address@Example.com");
        await Store.Commit([Write(id, 0, before)], CancellationToken.None);
        Assert.Equal([id], await Store.FindIds("Lead", SObjectSchema.Email, ["old.address@example.com"], CancellationToken.None));

        await Store.Commit([new RecordWrite("Lead", id, 1, before, Lead("new@example.com"), null)], CancellationToken.None);

        Assert.Empty(await Store.FindIds("Lead", SObjectSchema.Email, ["old.address@example.com"], CancellationToken.None));
        Assert.Equal([id], await Store.FindIds("Lead", SObjectSchema.Email, ["NEW@example.com", "nobody@example.com"], CancellationToken.None));
    }

    [Fact]
    public async Task TheFeedKeepsTheLatestEntriesAndReportsWhatItDropped()
    {
        long last = 0;
        for (var i = 0; i < RetainedEntries + 3; i++)
        {
            var id = await NewLeadId();
            last = (await Store.Commit([Write(id, 0, Lead($"r{i}@example.com"))], CancellationToken.None)).Positions[0]!.Value;
        }

        var page = await Store.ReadFeed(0, 100, CancellationToken.None);

        Assert.Equal(last, page.Head);
        Assert.Equal(last - RetainedEntries, page.Floor);
        Assert.Equal(RetainedEntries, page.Changes.Count);
        Assert.Equal(page.Floor + 1, page.Changes[0].Position);
    }

    [Fact]
    public async Task SequencesAreReservedInBlocks()
    {
        var first = await Store.ReserveSequence("Account", 3, CancellationToken.None);
        var next = await Store.ReserveSequence("Account", 1, CancellationToken.None);

        Assert.Equal(first + 3, next);
    }

    private async Task<string> NewLeadId() => SalesforceId.Create("00Q", await Store.ReserveSequence("Lead", 1, CancellationToken.None));

    private static Dictionary<string, string?> Lead(string email) => new() { [SObjectSchema.Email] = email, ["LastName"] = "Store" };

    private static RecordWrite Write(string id, long version, Dictionary<string, string?> fields) =>
        new("Lead", id, version, null, new Dictionary<string, string?>(fields) { [SObjectSchema.Id] = id }, Entry(id, moved: true) with { Email = fields[SObjectSchema.Email] });

    private static CrmChange Entry(string id, bool moved) => new()
    {
        Position = 0,
        ObjectType = CrmObjectType.Lead,
        RecordId = id,
        ChangeType = CrmChangeTypes.Update,
        CommitUser = "005Sy0000000002IAA",
        CommitTimestamp = DateTimeOffset.UtcNow,
        LastModifiedDate = DateTimeOffset.UtcNow,
        LastModifiedDateMoved = moved,
        ProspectId = 12345678901234,
    };
}

[FastLane]
public sealed class InMemoryCrmRecordStoreTests : CrmRecordStoreContract
{
    public override Task InitializeAsync()
    {
        Store = new InMemoryCrmRecordStore(Options);
        return Task.CompletedTask;
    }

    public override Task DisposeAsync() => Task.CompletedTask;
}

public sealed class RedisCrmRecordStoreTests : CrmRecordStoreContract
{
    private IsolatedKeyPrefix _redis = null!;

    public override async Task InitializeAsync()
    {
        var server = await RedisTestServer.Shared();
        _redis = server.CreateKeyPrefix("crm-store");
        Store = new RedisCrmRecordStore(server.Connection, _redis.Options, Options);
    }

    public override async Task DisposeAsync() => await _redis.DisposeAsync();

    [Fact]
    public async Task EveryKeyCarriesTheCrmHashTag()
    {
        var id = SalesforceId.Create("00Q", await Store.ReserveSequence("Lead", 1, CancellationToken.None));
        await Store.Commit([new RecordWrite("Lead", id, 0, null, new Dictionary<string, string?> { [SObjectSchema.Email] = "tag@example.com" }, null)], CancellationToken.None);

        var keys = await _redis.Keys();

        Assert.NotEmpty(keys);
        Assert.All(keys, key => Assert.Contains("{crm}", key, StringComparison.Ordinal));
    }
}
