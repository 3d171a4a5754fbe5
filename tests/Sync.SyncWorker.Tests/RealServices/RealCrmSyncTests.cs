using System.Net.Http.Json;
using System.Text.Json;
using Sync.Contracts;
using Sync.CrmSimulator.Tests.Support;
using Sync.SyncWorker.Storage.SyncErrors;

namespace Sync.SyncWorker.Tests.RealServices;

public sealed class RealCrmSyncFixture : IAsyncLifetime
{
    public RealServicesHost Services { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Services = await RealServicesHost.Start("worker-real-crm", new Dictionary<string, string?>
        {
            ["FieldMapping:Fields:title:Behavior"] = "UseCrmValue",
            ["FieldMapping:Fields:phone:Behavior"] = "UseMarketingValue",
            ["FieldMapping:Fields:city:Behavior"] = "UseMostRecentlyUpdated",
            // Fields the CRM computes: a formula it is told about, and Name, which it always computes.
            ["FieldMapping:Fields:scoreBand:Crm"] = "Score_Band__c",
            ["FieldMapping:Fields:scoreBand:CrmReadOnly"] = "true",
            ["FieldMapping:Fields:fullName:Crm"] = "Name",
        });
        foreach (var field in new[] { "scoreBand", "fullName" })
            (await Services.Editor.Http.PostAsJsonAsync("custom-fields", new { name = field })).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync() => await Services.DisposeAsync();
}

/// <summary>
/// What one sync does against the real crm-simulator and prospect-editor: matching a converted or deleted record, each
/// field behaviour, the write-back as the sync's own change, and a record the CRM refuses.
/// </summary>
public sealed class RealCrmSyncTests(RealCrmSyncFixture fixture) : IClassFixture<RealCrmSyncFixture>
{
    private RealServicesHost Services => fixture.Services;

    private SimulatorHost Crm => Services.Crm;

    [Fact]
    public async Task ALeadConvertedInTheCrmIsFollowedToItsContactNeitherUpdatedNorDuplicated()
    {
        var email = RealServicesHost.NewEmail("hopper");
        var prospect = await Services.CreateProspect(email, new { lastName = "Hopper", company = "Navy" });
        var first = await Services.SyncOne(prospect.Id);
        Assert.Equal((SyncOutcome.Synced, CrmObjectType.Lead), (first.Outcome, first.CrmObjectType));
        var contactId = await Convert(first.CrmRecordId!, new { });
        var convertedLead = await Crm.Read("Lead", first.CrmRecordId!);
        await Services.UpdateProspect(prospect.Id, new { title = "Rear Admiral" });

        var second = await Services.SyncOne(prospect.Id);

        Assert.Equal(SyncOutcome.Synced, second.Outcome);
        Assert.Equal((CrmObjectType.Contact, contactId), (second.CrmObjectType, second.CrmRecordId));
        var contact = await Crm.Read("Contact", contactId);
        Assert.Equal("Rear Admiral", SimulatorHost.Text(contact, "Title"));
        Assert.Equal(RealServicesHost.Text(prospect.Id), SimulatorHost.Text(contact, "ProspectId__c"));
        Assert.Equal(SimulatorHost.Text(convertedLead, "LastModifiedDate"), SimulatorHost.Text(await Crm.Read("Lead", first.CrmRecordId!), "LastModifiedDate"));
        Assert.Single(await Services.RecordsWithEmail("Lead", email));
        Assert.Single(await Services.RecordsWithEmail("Contact", email));
        var synced = await Services.Prospect(prospect.Id);
        Assert.Equal((contactId, CrmObjectType.Contact), (synced.CrmRecordId, synced.CrmObjectType));
    }

    [Fact]
    public async Task ALeadConvertedIntoAContactWithAnotherAddressIsFollowedByItsConvertedContactId()
    {
        var email = RealServicesHost.NewEmail("lamarr");
        var prospect = await Services.CreateProspect(email, new { lastName = "Lamarr", company = "MGM", city = "Vienna" });
        var first = await Services.SyncOne(prospect.Id);
        var workContact = await Crm.CreateContact("Lamarr", RealServicesHost.NewEmail("hedy.work"));
        await Convert(first.CrmRecordId!, new { contactId = workContact });
        var convertedLead = await Crm.Read("Lead", first.CrmRecordId!);
        await Services.UpdateProspect(prospect.Id, new { title = "Inventor" });

        var second = await Services.SyncOne(prospect.Id);

        Assert.Equal((SyncOutcome.Synced, CrmObjectType.Contact, workContact), (second.Outcome, second.CrmObjectType, second.CrmRecordId));
        Assert.Contains($"which Lead {first.CrmRecordId} was converted into", second.Detail);
        Assert.Equal("Inventor", SimulatorHost.Text(await Crm.Read("Contact", workContact), "Title"));
        Assert.Equal(SimulatorHost.Text(convertedLead, "LastModifiedDate"), SimulatorHost.Text(await Crm.Read("Lead", first.CrmRecordId!), "LastModifiedDate"));
        Assert.Empty(await Services.RecordsWithEmail("Contact", email));
        Assert.Equal(workContact, (await Services.Prospect(prospect.Id)).CrmRecordId);
    }

    [Fact]
    public async Task AProspectWhoseLeadWasDeletedInTheCrmIsFlaggedAndNotRecreated()
    {
        var email = RealServicesHost.NewEmail("turing");
        var prospect = await Services.CreateProspect(email, new { lastName = "Turing", company = "Bletchley" });
        var first = await Services.SyncOne(prospect.Id);
        using (var deleted = await Crm.Sales.DeleteAsync($"sobjects/Lead/{first.CrmRecordId}"))
            deleted.EnsureSuccessStatusCode();

        var request = RealServicesHost.Request(prospect.Id);
        var afterDelete = (await Services.Worker.Sync(request))[0];

        Assert.Equal(SyncOutcome.CrmRecordDeleted, afterDelete.Outcome);
        Assert.Equal(first.CrmRecordId, afterDelete.CrmRecordId);
        Assert.True((await Services.Prospect(prospect.Id)).CrmDeleted);
        Assert.Equal(ChangeOrigin.Sync, (await Services.WriteBackOf(request)).Origin);

        var again = await Services.SyncOne(prospect.Id);

        Assert.Equal(SyncOutcome.CrmRecordDeleted, again.Outcome);
        Assert.Empty(await Services.RecordsWithEmail("Lead", email));
        Assert.Empty(await Services.RecordsWithEmail("Contact", email));
    }

    [Fact]
    public async Task EachFieldBehaviourDecidesTheValueBothSidesKeepAndTheCrmsValueReachesTheProspectAsTheSyncsOwnChange()
    {
        var email = RealServicesHost.NewEmail("lovelace");
        var prospect = await Services.CreateProspect(email,
            new { firstName = "Ada", lastName = "Lovelace", title = "Engineer", phone = "+44 20 7946 0000", city = "Paris" });
        // Created after the prospect: the record changed last.
        var contactId = await Crm.CreateContact("Lovelace", email, new { Title = "CTO", Phone = "+1 555 0100", MailingCity = "Boston", Score__c = 120 });
        var request = RealServicesHost.Request(prospect.Id);

        var completed = (await Services.Worker.Sync(request))[0];

        Assert.Equal((SyncOutcome.Synced, contactId), (completed.Outcome, completed.CrmRecordId));
        var contact = await Crm.Read("Contact", contactId);
        Assert.Equal("CTO", SimulatorHost.Text(contact, "Title"));                   // UseCrmValue
        Assert.Equal("+44 20 7946 0000", SimulatorHost.Text(contact, "Phone"));      // UseMarketingValue
        Assert.Equal("Boston", SimulatorHost.Text(contact, "MailingCity"));          // UseMostRecentlyUpdated: the record changed last
        Assert.Equal("Ada", SimulatorHost.Text(contact, "FirstName"));               // blank in the CRM
        Assert.Equal(SimulatorHost.IntegrationUserId, SimulatorHost.Text(contact, "LastModifiedById"));
        var synced = await Services.Prospect(prospect.Id);
        Assert.Equal(("CTO", "+44 20 7946 0000", "Boston"), (synced.Fields["title"], synced.Fields["phone"], synced.Fields["city"]));
        Assert.Equal(SimulatorHost.SalesUserId, synced.AssignedUser);
        var writeBack = await Services.WriteBackOf(request);
        Assert.Equal(ChangeOrigin.Sync, writeBack.Origin);

        // Now the prospect changes last.
        await Services.UpdateProspect(prospect.Id, new { city = "Lyon", title = "Countess" });
        var again = await Services.SyncOne(prospect.Id);

        Assert.Equal(SyncOutcome.Synced, again.Outcome);
        contact = await Crm.Read("Contact", contactId);
        Assert.Equal("Lyon", SimulatorHost.Text(contact, "MailingCity"));
        Assert.Equal("CTO", SimulatorHost.Text(contact, "Title"));
        Assert.Equal(("CTO", "Lyon"), ((await Services.Prospect(prospect.Id)).Fields["title"], (await Services.Prospect(prospect.Id)).Fields["city"]));
    }

    [Fact]
    public async Task FieldsTheCrmComputesComeIntoTheProspectAndAreNeverWritten()
    {
        var email = RealServicesHost.NewEmail("curie");
        var prospect = await Services.CreateProspect(email, new { firstName = "Marie", lastName = "Curie", company = "Sorbonne", scoreBand = "Cold", fullName = "M. Curie" });
        var created = await Services.SyncOne(prospect.Id);
        Assert.Equal((SyncOutcome.Synced, CrmObjectType.Lead), (created.Outcome, created.CrmObjectType));
        await Crm.Update("Lead", created.CrmRecordId!, new { Score__c = 150 });
        await Services.UpdateProspect(prospect.Id, new { title = "Physicist" });

        var again = await Services.SyncOne(prospect.Id);

        Assert.Equal(SyncOutcome.Synced, again.Outcome);
        var lead = await Crm.Read("Lead", created.CrmRecordId!);
        Assert.Equal(("Hot", "Marie Curie", "Physicist"), (SimulatorHost.Text(lead, "Score_Band__c"), SimulatorHost.Text(lead, "Name"), SimulatorHost.Text(lead, "Title")));
        var synced = await Services.Prospect(prospect.Id);
        Assert.Equal(("Hot", "Marie Curie"), (synced.Fields["scoreBand"], synced.Fields["fullName"]));
    }

    [Fact]
    public async Task ABlankNeverOverwritesAValueOnEitherSide()
    {
        var email = RealServicesHost.NewEmail("hamilton");
        // title wins from the CRM and phone from the prospect; each is blank on its winning side.
        var prospect = await Services.CreateProspect(email, new { lastName = "Hamilton", title = "Director" });
        var contactId = await Crm.CreateContact("Hamilton", email, new { Phone = "+1 555 0199" });

        var completed = await Services.SyncOne(prospect.Id);

        Assert.Equal(SyncOutcome.Synced, completed.Outcome);
        var contact = await Crm.Read("Contact", contactId);
        Assert.Equal("Director", SimulatorHost.Text(contact, "Title"));
        Assert.Equal("+1 555 0199", SimulatorHost.Text(contact, "Phone"));
        var synced = await Services.Prospect(prospect.Id);
        Assert.Equal(("Director", "+1 555 0199"), (synced.Fields["title"], synced.Fields["phone"]));
    }

    [Fact]
    public async Task ARecordTheCrmRefusesLandsOnTheSyncErrorListWithoutFailingItsBatch()
    {
        // prospect-editor takes this address; the CRM does not.
        // prospect-editor holds it; the CRM refuses it (an underscore in the domain): a permanent error for this record alone.
        var badEmail = $"o.hara.{Guid.NewGuid():N}@tara_plantation.example";
        var bad = await Services.CreateProspect(badEmail, new { lastName = "O'Hara", company = "Tara" });
        var good = await Services.CreateProspect(RealServicesHost.NewEmail("butler"), new { lastName = "Butler", company = "Tara" });
        var requests = new[] { RealServicesHost.Request(bad.Id), RealServicesHost.Request(good.Id) };
        await Services.Worker.Api.PostAsync("sync/pause", null);
        var batchesBefore = (await Services.Worker.Status()).Batches.Batches;
        try
        {
            // Both wait in the queue, so they are synced in one batch.
            await Services.Worker.Publish(requests);
            await Services.UntilWaiting(2);
        }
        finally
        {
            await Services.Worker.Api.PostAsync("sync/resume", null);
        }

        var completions = await Services.Worker.Completions(requests);

        Assert.Equal(SyncOutcome.Failed, completions[0].Outcome);
        Assert.Contains("INVALID_EMAIL_ADDRESS", completions[0].Detail);
        Assert.DoesNotContain("hara.", completions[0].Detail, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(SyncOutcome.Synced, completions[1].Outcome);
        Assert.Single(await Services.RecordsWithEmail("Lead", good.Email));
        var status = await Services.Worker.Status();
        Assert.Equal((batchesBefore + 1, 2), (status.Batches.Batches, status.Batches.LastBatchSize));
        var errors = (await Services.Worker.Api.GetFromJsonAsync<List<SyncErrorEntry>>("sync/errors", Json.Options))!;
        var entry = Assert.Single(errors, entry => entry.ProspectId == bad.Id);
        Assert.Equal("INVALID_EMAIL_ADDRESS", entry.ErrorCode);
        Assert.Equal(["Email"], entry.Fields);
        Assert.DoesNotContain(errors, entry => entry.ProspectId == good.Id);
    }

    /// <summary>Converts the Lead as the sales user; answers the Contact it became.</summary>
    private async Task<string> Convert(string leadId, object conversion)
    {
        using var response = await Crm.ConvertLead(leadId, conversion);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"Converting Lead {leadId} answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("contactId").GetString()!;
    }
}
