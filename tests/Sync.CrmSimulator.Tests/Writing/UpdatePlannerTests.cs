using System.Text.Json.Nodes;
using Sync.CrmSimulator.Schema;
using Sync.CrmSimulator.Tests.Support;
using Sync.CrmSimulator.Writing;
using Sync.Testing;

namespace Sync.CrmSimulator.Tests.Writing;

[FastLane]
public sealed class UpdatePlannerTests
{
    private readonly WriterParts _crm = new();

    [Fact]
    public async Task AnUpdateThatChangesNoValueSavesWithoutAWrite()
    {
        var id = await _crm.SeedLead();
        var batch = WriterParts.Batch(1);

        await _crm.Updates.Plan(batch, _crm.Sales, [new RecordChange(SObjectSchema.Lead, id, new JsonObject { ["LastName"] = "Lovelace" })], CancellationToken.None);

        Assert.True(batch.Decided()[0].Success);
        Assert.Empty(batch.Writes);
    }

    [Fact]
    public async Task AnUpdateWritesOnlyTheValuesThatChangeAndMovesLastModifiedDate()
    {
        var id = await _crm.SeedLead();
        var before = await _crm.Read(SObjectSchema.Lead, id);
        var batch = new SaveBatch(1, DateTimeOffset.UtcNow.AddMinutes(1));

        await _crm.Updates.Plan(batch, _crm.Sales,
            [new RecordChange(SObjectSchema.Lead, id, new JsonObject { ["LastName"] = "Lovelace", ["Title"] = "Countess" })], CancellationToken.None);

        var write = Assert.Single(batch.Writes);
        Assert.Equal(before.Version, write.ExpectedVersion);
        Assert.Equal(["Title"], write.Change!.ChangedFields);
        Assert.Equal("Countess", write.Fields!["Title"]);
        Assert.True(FieldValues.ParseDateTime(write.Fields[SObjectSchema.LastModifiedDate]) > FieldValues.ParseDateTime(before[SObjectSchema.LastModifiedDate]));
    }

    [Fact]
    public async Task AnUpdateOfARecordChangedSinceItWasReadFailsWithPreconditionFailed()
    {
        var id = await _crm.SeedLead();
        var lastModified = FieldValues.ParseDateTime((await _crm.Read(SObjectSchema.Lead, id))[SObjectSchema.LastModifiedDate])!.Value;
        var batch = WriterParts.Batch(1);

        await _crm.Updates.Plan(batch, _crm.Sales,
            [new RecordChange(SObjectSchema.Lead, id, new JsonObject { ["Title"] = "Countess" }, IfUnmodifiedSince: lastModified.AddMilliseconds(-1))], CancellationToken.None);

        Assert.Equal("PRECONDITION_FAILED", Assert.Single(batch.Outcomes[0]!.Errors).ErrorCode);
        Assert.Empty(batch.Writes);
    }

    [Fact]
    public async Task ClearingARequiredFieldFailsWithRequiredFieldMissing()
    {
        var id = await _crm.SeedLead();
        var batch = WriterParts.Batch(1);

        await _crm.Updates.Plan(batch, _crm.Sales, [new RecordChange(SObjectSchema.Lead, id, new JsonObject { ["Company"] = null })], CancellationToken.None);

        Assert.Equal(["Company"], Assert.Single(batch.Outcomes[0]!.Errors, error => error.ErrorCode == "REQUIRED_FIELD_MISSING").Fields);
    }
}
