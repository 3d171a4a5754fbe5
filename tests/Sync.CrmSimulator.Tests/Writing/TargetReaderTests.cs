using Sync.CrmSimulator.Schema;
using Sync.CrmSimulator.Tests.Support;
using Sync.CrmSimulator.Writing;
using Sync.Testing;

namespace Sync.CrmSimulator.Tests.Writing;

[FastLane]
public sealed class TargetReaderTests
{
    private readonly WriterParts _crm = new();

    [Fact]
    public async Task ARecordNamedTwiceIsReadOnceAndTheSecondAnswersDuplicateId()
    {
        var id = await _crm.SeedLead();
        var batch = WriterParts.Batch(2);

        var records = await _crm.Targets.Read(batch, [(SObjectSchema.Lead, id), (SObjectSchema.Lead, id)], CancellationToken.None);

        Assert.Equal(id, records[0]?.Id);
        Assert.True(batch.Open(0));
        Assert.Null(records[1]);
        Assert.Equal("DUPLICATE_ID", Assert.Single(batch.Outcomes[1]!.Errors).ErrorCode);
    }

    [Fact]
    public async Task ADeletedRecordAnswersEntityIsDeletedAndAMissingOneNotFound()
    {
        var deleted = await _crm.SeedLead();
        await _crm.Writer.Delete(_crm.Sales, [new RecordDeletion(SObjectSchema.Lead, deleted)], allOrNone: true, CancellationToken.None);
        var batch = WriterParts.Batch(2);

        var records = await _crm.Targets.Read(batch, [(SObjectSchema.Lead, deleted), (SObjectSchema.Lead, SalesforceId.Create("00Q", 999))], CancellationToken.None);

        Assert.All(records, Assert.Null);
        Assert.Equal("ENTITY_IS_DELETED", Assert.Single(batch.Outcomes[0]!.Errors).ErrorCode);
        Assert.Equal("NOT_FOUND", Assert.Single(batch.Outcomes[1]!.Errors).ErrorCode);
    }

    [Fact]
    public async Task AnIdOfAnotherObjectAnswersNotFoundAndAMalformedOneMalformedId()
    {
        var lead = await _crm.SeedLead();
        var batch = WriterParts.Batch(3);

        await _crm.Targets.Read(batch, [(SObjectSchema.Contact, lead), (SObjectSchema.Lead, "not-an-id"), (SObjectSchema.Lead, null)], CancellationToken.None);

        Assert.Equal(["NOT_FOUND", "MALFORMED_ID", "MISSING_ARGUMENT"], batch.Outcomes.Select(outcome => Assert.Single(outcome!.Errors).ErrorCode));
    }
}
