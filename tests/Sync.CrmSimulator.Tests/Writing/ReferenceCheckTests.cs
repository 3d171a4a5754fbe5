using System.Text.Json.Nodes;
using Sync.CrmSimulator.Schema;
using Sync.CrmSimulator.Tests.Support;
using Sync.Testing;

namespace Sync.CrmSimulator.Tests.Writing;

[FastLane]
public sealed class ReferenceCheckTests
{
    private readonly WriterParts _crm = new();

    [Fact]
    public async Task AnOwnerWhoIsNoUserOfTheOrgAndALookupToADeletedAccountFailTheirRecordsOnly()
    {
        var account = await _crm.Seed(SObjectSchema.Account, new JsonObject { ["Name"] = "Gone" });
        await _crm.Writer.Delete(_crm.Sales, [new(SObjectSchema.Account, account)], allOrNone: true, CancellationToken.None);
        var batch = WriterParts.Batch(3);

        await _crm.References.Check(batch,
        [
            (SObjectSchema.Lead, null, new Dictionary<string, string?> { [SObjectSchema.OwnerId] = "005Sy0000000099IAA" }),
            (SObjectSchema.Contact, null, new Dictionary<string, string?> { ["AccountId"] = account }),
            (SObjectSchema.Lead, null, new Dictionary<string, string?> { [SObjectSchema.OwnerId] = SimulatorHost.SalesUserId }),
        ], CancellationToken.None);

        Assert.Equal(SObjectSchema.OwnerId, Assert.Single(Assert.Single(batch.Outcomes[0]!.Errors, error => error.ErrorCode == "INVALID_CROSS_REFERENCE_KEY").Fields));
        Assert.Equal("AccountId", Assert.Single(Assert.Single(batch.Outcomes[1]!.Errors, error => error.ErrorCode == "INVALID_CROSS_REFERENCE_KEY").Fields));
        Assert.True(batch.Open(2));
    }

    [Fact]
    public async Task ALookupToARecordOfAnotherObjectFails()
    {
        var lead = await _crm.SeedLead();
        var batch = WriterParts.Batch(1);

        await _crm.References.Check(batch, [(SObjectSchema.Contact, null, new Dictionary<string, string?> { ["AccountId"] = lead })], CancellationToken.None);

        Assert.Equal("INVALID_CROSS_REFERENCE_KEY", Assert.Single(batch.Outcomes[0]!.Errors).ErrorCode);
    }
}
