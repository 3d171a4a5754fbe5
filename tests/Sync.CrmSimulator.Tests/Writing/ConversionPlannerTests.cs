using System.Text.Json.Nodes;
using Sync.Clients.Crm;
using Sync.CrmSimulator.Schema;
using Sync.CrmSimulator.Tests.Support;
using Sync.CrmSimulator.Writing;
using Sync.Testing;

namespace Sync.CrmSimulator.Tests.Writing;

[FastLane]
public sealed class ConversionPlannerTests
{
    private readonly WriterParts _crm = new();

    [Fact]
    public async Task ConvertingALeadPlansItsAccountContactAndConvertedLeadInOneBatch()
    {
        var lead = await _crm.Seed(SObjectSchema.Lead, new JsonObject
        {
            ["LastName"] = "Lovelace", ["Company"] = "Analytical Engines", [SObjectSchema.ProspectId] = "42",
        });
        var batch = WriterParts.Batch(1);

        var converted = await _crm.Conversions.Plan(batch, _crm.Sales, lead, new LeadConversion(null, null, null, null), CancellationToken.None);

        Assert.NotNull(converted);
        Assert.Equal([converted.AccountId, converted.ContactId, lead], batch.Writes.Select(write => write.Id));
        Assert.Equal("Analytical Engines", batch.Writes[0].Fields!["Name"]);
        Assert.Equal("42", batch.Writes[1].Fields![SObjectSchema.ProspectId]);
        Assert.Equal(converted.AccountId, batch.Writes[1].Fields!["AccountId"]);
        Assert.Equal("true", batch.Writes[2].Fields![CrmFields.IsConverted]);
        Assert.Equal(ConversionPlanner.ConvertedStatusDefault, batch.Writes[2].Fields!["Status"]);
    }

    [Fact]
    public async Task ConvertingIntoAnExistingContactFillsOnlyTheFieldsItHasNone()
    {
        var lead = await _crm.Seed(SObjectSchema.Lead, new JsonObject { ["LastName"] = "Lovelace", ["Company"] = "Analytical Engines", ["Title"] = "Countess" });
        var contact = await _crm.Seed(SObjectSchema.Contact, new JsonObject { ["LastName"] = "King" });
        var batch = WriterParts.Batch(1);

        await _crm.Conversions.Plan(batch, _crm.Sales, lead, new LeadConversion(null, contact, null, null), CancellationToken.None);

        var filled = Assert.Single(batch.Writes, write => write.Id == contact);
        Assert.Equal("King", filled.Fields!["LastName"]);
        Assert.Equal("Countess", filled.Fields["Title"]);
        Assert.DoesNotContain("LastName", filled.Change!.ChangedFields);
    }

    [Fact]
    public async Task AConvertedLeadCannotBeConvertedAgain()
    {
        var lead = await _crm.SeedLead();
        await _crm.Writer.Convert(_crm.Sales, lead, new LeadConversion(null, null, null, null), CancellationToken.None);
        var batch = WriterParts.Batch(1);

        var converted = await _crm.Conversions.Plan(batch, _crm.Sales, lead, new LeadConversion(null, null, null, null), CancellationToken.None);

        Assert.Null(converted);
        Assert.Equal("CANNOT_UPDATE_CONVERTED_LEAD", Assert.Single(batch.Outcomes[0]!.Errors).ErrorCode);
        Assert.Empty(batch.Writes);
    }
}
