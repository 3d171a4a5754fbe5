using System.Text.Json.Nodes;
using Sync.CrmSimulator.Configuration;
using Sync.CrmSimulator.Schema;
using Sync.CrmSimulator.Storage.Records;
using Sync.CrmSimulator.Tests.Support;
using Sync.CrmSimulator.Writing;
using Sync.Testing;

namespace Sync.CrmSimulator.Tests.Writing;

[FastLane]
public sealed class OptimisticSaveTests
{
    [Fact]
    public async Task ASaveThatMeetsAConcurrentChangeIsPlannedAgainAndKeepsBothChanges()
    {
        var store = new ChangedBeforeFirstCommit(new InMemoryCrmRecordStore(Microsoft.Extensions.Options.Options.Create(new CrmSimulatorOptions())));
        var crm = new WriterParts(store);
        var id = await crm.SeedLead();
        var rival = new WriterParts(store.Inner);
        store.Meanwhile = () => rival.Writer.Update(rival.Sales, [new RecordChange(SObjectSchema.Lead, id, new JsonObject { ["Title"] = "Countess" })], allOrNone: true, CancellationToken.None);
        var planned = 0;

        var outcomes = await crm.Save.Run("update", 1, allOrNone: true, async (batch, token) =>
        {
            planned++;
            await crm.Updates.Plan(batch, crm.Sales, [new RecordChange(SObjectSchema.Lead, id, new JsonObject { ["City"] = "London" })], token);
        }, CancellationToken.None);

        Assert.True(Assert.Single(outcomes).Success);
        Assert.Equal(2, planned);
        var record = await crm.Read(SObjectSchema.Lead, id);
        Assert.Equal(("Countess", "London"), (record["Title"], record["City"]));
    }

    [Fact]
    public async Task OneFailedRecordOfAnAllOrNoneSaveRollsTheOthersBackAndWritesNothing()
    {
        var crm = new WriterParts();
        var id = await crm.SeedLead();

        var outcomes = await crm.Writer.Update(crm.Sales,
        [
            new RecordChange(SObjectSchema.Lead, id, new JsonObject { ["Title"] = "Countess" }),
            new RecordChange(SObjectSchema.Lead, id, new JsonObject { ["Title"] = "Twice" }),
        ], allOrNone: true, CancellationToken.None);

        Assert.Equal(["ALL_OR_NONE_OPERATION_ROLLED_BACK", "DUPLICATE_ID"], outcomes.Select(outcome => Assert.Single(outcome.Errors).ErrorCode));
        Assert.Null((await crm.Read(SObjectSchema.Lead, id))["Title"]);
    }

    /// <summary>Lets another writer change the records between the first plan and its commit, once.</summary>
    private sealed class ChangedBeforeFirstCommit(ICrmRecordStore inner) : ICrmRecordStore
    {
        public ICrmRecordStore Inner => inner;

        public Func<Task>? Meanwhile { get; set; }

        public Task<StoredRecord?> Get(string type, string id, CancellationToken cancellationToken) => inner.Get(type, id, cancellationToken);

        public Task<IReadOnlyList<StoredRecord>> GetMany(string type, IReadOnlyCollection<string> ids, CancellationToken cancellationToken) =>
            inner.GetMany(type, ids, cancellationToken);

        public Task<IReadOnlyList<string>> FindIds(string type, string field, IReadOnlyCollection<string> values, CancellationToken cancellationToken) =>
            inner.FindIds(type, field, values, cancellationToken);

        public Task<IReadOnlyList<string>> AllIds(string type, CancellationToken cancellationToken) => inner.AllIds(type, cancellationToken);

        public Task<long> ReserveSequence(string type, int count, CancellationToken cancellationToken) => inner.ReserveSequence(type, count, cancellationToken);

        public async Task<CommitResult> Commit(IReadOnlyList<RecordWrite> writes, CancellationToken cancellationToken)
        {
            if (Meanwhile is { } change)
            {
                Meanwhile = null;
                await change();
            }
            return await inner.Commit(writes, cancellationToken);
        }

        public Task<FeedPage> ReadFeed(long afterPosition, int limit, CancellationToken cancellationToken) => inner.ReadFeed(afterPosition, limit, cancellationToken);
    }
}
