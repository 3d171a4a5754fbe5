using System.Text.Json.Nodes;
using Sync.Clients.Crm;
using Sync.CrmSimulator.Schema;
using Sync.CrmSimulator.Tests.Support;
using Sync.CrmSimulator.Writing;
using Sync.Testing;

namespace Sync.CrmSimulator.Tests.Writing;

[FastLane]
public sealed class DeletePlannerTests
{
    private readonly WriterParts _crm = new();

    [Fact]
    public async Task DeletingAnAccountTombstonesItAndItsLiveContactsEachWithADeleteEntry()
    {
        var account = await _crm.Seed(SObjectSchema.Account, new JsonObject { ["Name"] = "Analytical Engines" });
        var first = await _crm.Seed(SObjectSchema.Contact, new JsonObject { ["LastName"] = "Lovelace", ["AccountId"] = account });
        var second = await _crm.Seed(SObjectSchema.Contact, new JsonObject { ["LastName"] = "Babbage", ["AccountId"] = account });
        var batch = WriterParts.Batch(1);

        await _crm.Deletes.PlanDeletes(batch, _crm.Sales, [new RecordDeletion(SObjectSchema.Account, account)], CancellationToken.None);

        Assert.Equal(account, batch.Decided()[0].Id);
        Assert.Equal(new[] { account, first, second }.Order(), batch.Writes.Select(write => write.Id).Order());
        Assert.All(batch.Writes, write =>
        {
            Assert.Equal("true", write.Fields![SObjectSchema.IsDeleted]);
            Assert.Equal(CrmChangeTypes.Delete, write.Change!.ChangeType);
        });
    }

    [Fact]
    public async Task UndeletingALiveRecordFailsAndUndeletingATombstoneRestoresIt()
    {
        var id = await _crm.SeedLead();
        var live = WriterParts.Batch(1);
        await _crm.Deletes.PlanUndelete(live, _crm.Sales, SObjectSchema.Lead, id, CancellationToken.None);
        await _crm.Writer.Delete(_crm.Sales, [new RecordDeletion(SObjectSchema.Lead, id)], allOrNone: true, CancellationToken.None);
        var deleted = WriterParts.Batch(1);

        await _crm.Deletes.PlanUndelete(deleted, _crm.Sales, SObjectSchema.Lead, id, CancellationToken.None);

        Assert.Equal("UNDELETE_FAILED", Assert.Single(live.Outcomes[0]!.Errors).ErrorCode);
        Assert.Empty(live.Writes);
        var write = Assert.Single(deleted.Writes);
        Assert.Equal("false", write.Fields![SObjectSchema.IsDeleted]);
        Assert.Equal(CrmChangeTypes.Undelete, write.Change!.ChangeType);
    }
}
