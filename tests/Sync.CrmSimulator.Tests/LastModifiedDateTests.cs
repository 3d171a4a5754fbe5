using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Sync.Clients.Crm;
using Sync.CrmSimulator.Tests.Support;

namespace Sync.CrmSimulator.Tests;

/// <summary>
/// The rules the sync relies on: LastModifiedDate moves with every real change to a Lead or Contact (owner changes
/// included) and with nothing else — not a PATCH that changes no value, not a formula, not an edit of the Account.
/// </summary>
public sealed class LastModifiedDateTests(LastModifiedDateTests.Fixture fixture) : IClassFixture<LastModifiedDateTests.Fixture>, IAsyncLifetime
{
    private SimulatorHost Crm => fixture.Crm;

    public Task InitializeAsync() => Crm.AdminSend(HttpMethod.Put, "admin/formulas/score-band", new { warmAt = 50, hotAt = 100 });

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task ARealChangeMovesLastModifiedDateAndRecordsWhoMadeIt()
    {
        var id = await Crm.CreateLead("Curie", SimulatorHost.NewEmail(), client: Crm.Integration);
        var before = await Crm.Read("Lead", id);
        var head = await Crm.Head();

        await Crm.Update("Lead", id, new { Title = "Physicist" });

        var after = await Crm.Read("Lead", id);
        Assert.True(Modified(after) > Modified(before));
        Assert.Equal(SimulatorHost.SalesUserId, after.GetProperty("LastModifiedById").GetString());
        var change = Assert.Single(await Crm.ChangesOf(id, head));
        Assert.Equal(CrmChangeTypes.Update, change.ChangeType);
        Assert.Equal(["Title"], change.ChangedFields);
        Assert.Equal(SimulatorHost.SalesUserId, change.CommitUser);
        Assert.True(change.LastModifiedDateMoved);
        Assert.Equal(Modified(after), change.LastModifiedDate);
    }

    [Fact]
    public async Task APatchThatChangesNoValueChangesNothing()
    {
        var email = SimulatorHost.NewEmail();
        var id = await Crm.CreateContact("Noether", email, new { Title = "Mathematician", Score__c = 10 });
        var before = await Crm.Read("Contact", id);
        var head = await Crm.Head();

        // The same values, one of them written differently (a number as a string, the address in another case).
        await Crm.Update("Contact", id, new { Title = "Mathematician", Score__c = "10.0", LastName = "Noether", Email = email });

        Assert.Equal(Modified(before), Modified(await Crm.Read("Contact", id)));
        Assert.Empty(await Crm.ChangesOf(id, head));
    }

    [Fact]
    public async Task AnOwnerChangeMovesLastModifiedDate()
    {
        var id = await Crm.CreateContact("Owned", SimulatorHost.NewEmail(), client: Crm.Integration);
        var before = await Crm.Read("Contact", id);
        var head = await Crm.Head();

        await Crm.Update("Contact", id, new { OwnerId = SimulatorHost.SalesUserId }, Crm.Integration);

        var after = await Crm.Read("Contact", id);
        Assert.Equal(SimulatorHost.SalesUserId, after.GetProperty("OwnerId").GetString());
        Assert.True(Modified(after) > Modified(before));
        Assert.Equal(["OwnerId"], Assert.Single(await Crm.ChangesOf(id, head)).ChangedFields);
    }

    [Fact]
    public async Task AnAccountEditChangesTheContactsFormulaButNotItsLastModifiedDate()
    {
        var accountId = await Crm.Create("Account", new { Name = $"Rated {Guid.NewGuid():N}", Rating = "Cold" });
        var contactId = await Crm.CreateContact("Employee", SimulatorHost.NewEmail(), new { AccountId = accountId });
        var before = await Crm.Read("Contact", contactId);
        var head = await Crm.Head();

        await Crm.Update("Account", accountId, new { Rating = "Hot" });

        var after = await Crm.Read("Contact", contactId);
        Assert.Equal("Cold", before.GetProperty("Account_Rating__c").GetString());
        Assert.Equal("Hot", after.GetProperty("Account_Rating__c").GetString());
        Assert.Equal(Modified(before), Modified(after));
        var changes = (await Crm.Changes(head)).Changes;
        var accountChange = Assert.Single(changes);
        Assert.Equal(Sync.Contracts.CrmObjectType.Account, accountChange.ObjectType);
        Assert.Equal(accountId, accountChange.RecordId);
    }

    [Fact]
    public async Task FormulasAreComputedWhenReadAndFollowTheFieldsTheyUse()
    {
        var id = await Crm.CreateLead("Banded", SimulatorHost.NewEmail(), new { FirstName = "Bea", Score__c = 20 });
        Assert.Equal("Cold", (await Crm.Read("Lead", id)).GetProperty("Score_Band__c").GetString());

        await Crm.Update("Lead", id, new { Score__c = 75, FirstName = "Beatrice" });

        var lead = await Crm.Read("Lead", id);
        Assert.Equal("Warm", lead.GetProperty("Score_Band__c").GetString());
        Assert.Equal("Beatrice Banded", lead.GetProperty("Name").GetString());
    }

    [Fact]
    public async Task EditingAFormulaRecalculatesWithoutMovingLastModifiedDate()
    {
        var id = await Crm.CreateContact("Recalculated", SimulatorHost.NewEmail(), new { Score__c = 60, ProspectId__c = "4242" });
        var before = await Crm.Read("Contact", id);
        var head = await Crm.Head();

        var edited = await Crm.AdminSend(HttpMethod.Put, "admin/formulas/score-band", new { warmAt = 20, hotAt = 55 });

        var after = await Crm.Read("Contact", id);
        Assert.Equal("Warm", before.GetProperty("Score_Band__c").GetString());
        Assert.Equal("Hot", after.GetProperty("Score_Band__c").GetString());
        Assert.Equal(Modified(before), Modified(after));
        Assert.True(edited.GetProperty("recalculatedRecords").GetInt32() >= 1);
        var recalculation = Assert.Single(await Crm.ChangesOf(id, head));
        Assert.Equal(CrmChangeTypes.Update, recalculation.ChangeType);
        Assert.Equal(["Score_Band__c"], recalculation.ChangedFields);
        Assert.False(recalculation.LastModifiedDateMoved);
        Assert.Equal(Modified(before), recalculation.LastModifiedDate);
        Assert.Equal(SimulatorHost.AutomatedProcessUserId, recalculation.CommitUser);
        Assert.Equal(4242, recalculation.ProspectId);
    }

    [Fact]
    public async Task LastModifiedDateMovesForwardEvenForChangesWithinOneMillisecond()
    {
        var id = await Crm.CreateLead("Quick", SimulatorHost.NewEmail());
        var stamps = new List<DateTimeOffset> { Modified(await Crm.Read("Lead", id)) };

        for (var i = 0; i < 5; i++)
        {
            await Crm.Update("Lead", id, new { Title = $"Title {i}" });
            stamps.Add(Modified(await Crm.Read("Lead", id)));
        }

        Assert.Equal(stamps.Count, stamps.Distinct().Count());
        Assert.Equal(stamps.Order(), stamps);
    }

    [Fact]
    public async Task ConvertingALeadCreatesAContactAndAnAccountAndMarksTheLeadConverted()
    {
        var email = SimulatorHost.NewEmail("convert");
        var leadId = await Crm.CreateLead("Franklin", email, new { FirstName = "Rosalind", Company = "King's College", ProspectId__c = "777", Score__c = 90 });
        var head = await Crm.Head();

        using var response = await Crm.ConvertLead(leadId);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await response.Content.ReadFromJsonAsync<JsonElement>();
        var contactId = result.GetProperty("contactId").GetString()!;
        var accountId = result.GetProperty("accountId").GetString()!;
        var lead = await Crm.Read("Lead", leadId);
        var contact = await Crm.Read("Contact", contactId);
        Assert.True(lead.GetProperty("IsConverted").GetBoolean());
        Assert.Equal(contactId, lead.GetProperty("ConvertedContactId").GetString());
        Assert.Equal(accountId, lead.GetProperty("ConvertedAccountId").GetString());
        Assert.Equal("Closed - Converted", lead.GetProperty("Status").GetString());
        Assert.Equal(email, contact.GetProperty("Email").GetString());
        Assert.Equal("777", contact.GetProperty("ProspectId__c").GetString());
        Assert.Equal(accountId, contact.GetProperty("AccountId").GetString());
        Assert.Equal("King's College", (await Crm.Read("Account", accountId)).GetProperty("Name").GetString());

        var changes = (await Crm.Changes(head)).Changes;
        Assert.Equal(
            [("Account", "CREATE"), ("Contact", "CREATE"), ("Lead", "UPDATE")],
            changes.Select(change => (change.ObjectType.ToString(), change.ChangeType)));
        Assert.Single(changes.Select(change => change.CommitTimestamp).Distinct());
    }

    [Fact]
    public async Task ConvertingIntoAnExistingContactFillsOnlyWhatItLacks()
    {
        var accountId = await Crm.Create("Account", new { Name = $"Existing {Guid.NewGuid():N}" });
        var contactId = await Crm.CreateContact("Existing", SimulatorHost.NewEmail(), new { AccountId = accountId, Title = "CTO" });
        var leadId = await Crm.CreateLead("Duplicate", SimulatorHost.NewEmail(), new { Title = "Intern", Phone = "+44 20 7946 0000" });

        using var response = await Crm.ConvertLead(leadId, new { accountId, contactId });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var contact = await Crm.Read("Contact", contactId);
        Assert.Equal("CTO", contact.GetProperty("Title").GetString());
        Assert.Equal("+44 20 7946 0000", contact.GetProperty("Phone").GetString());
        Assert.Equal(contactId, (await Crm.Read("Lead", leadId)).GetProperty("ConvertedContactId").GetString());
    }

    [Fact]
    public async Task AConvertedLeadCannotBeUpdatedOrConvertedAgain()
    {
        var leadId = await Crm.CreateLead("Once", SimulatorHost.NewEmail());
        (await Crm.ConvertLead(leadId)).Dispose();

        using var update = await Crm.Patch("Lead", leadId, new { Title = "Again" });
        using var convert = await Crm.ConvertLead(leadId);

        Assert.Equal("CANNOT_UPDATE_CONVERTED_LEAD", (await SObjectApiTests.SingleError(update, HttpStatusCode.BadRequest)).GetProperty("errorCode").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, convert.StatusCode);
        var refusal = await convert.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("CANNOT_UPDATE_CONVERTED_LEAD", Assert.Single(refusal.GetProperty("errors").EnumerateArray()).GetProperty("errorCode").GetString());
    }

    [Fact]
    public async Task ACampaignMembershipDoesNotTouchTheLead()
    {
        var leadId = await Crm.CreateLead("Member", SimulatorHost.NewEmail());
        var before = await Crm.Read("Lead", leadId);
        var campaignId = await Crm.Create("Campaign", new { Name = $"Campaign {Guid.NewGuid():N}" });
        var head = await Crm.Head();

        await Crm.Create("CampaignMember", new { CampaignId = campaignId, LeadId = leadId });

        Assert.Equal(Modified(before), Modified(await Crm.Read("Lead", leadId)));
        Assert.Empty((await Crm.Changes(head)).Changes);
    }

    private static DateTimeOffset Modified(JsonElement record) =>
        DateTimeOffset.Parse(record.GetProperty("LastModifiedDate").GetString()!, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Its own simulator: editing the formula changes every record's band.</summary>
    public sealed class Fixture : SimulatorFixture;
}
