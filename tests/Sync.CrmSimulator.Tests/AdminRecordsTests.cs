using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Sync.CrmSimulator.Tests.Support;

namespace Sync.CrmSimulator.Tests;

/// <summary>
/// Converting a Lead and restoring a deleted record are set-up, not REST resources of any org: the simulator offers them
/// under /admin only, acting as the user the request names, and the Salesforce-shaped API answers them as Salesforce
/// answers a resource it does not have.
/// </summary>
public sealed class AdminRecordsTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private SimulatorHost Crm => fixture.Crm;

    [Theory]
    [InlineData("sobjects/Lead/{0}/convert")]
    [InlineData("sobjects/Lead/{0}/undelete")]
    public async Task TheRestApiHasNoConversionOrUndeleteResource(string resource)
    {
        var leadId = await Crm.CreateLead("Nowhere", SimulatorHost.NewEmail());

        using var response = await Crm.Sales.PostAsJsonAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, resource, leadId), new { });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.False((await Crm.Read("Lead", leadId)).GetProperty("IsConverted").GetBoolean());
    }

    [Fact]
    public async Task AConversionIsTheChangeOfTheUserItNames()
    {
        var leadId = await Crm.CreateLead("Hopper", SimulatorHost.NewEmail(), client: Crm.Integration);

        using var response = await Crm.ConvertLead(leadId, asUser: SimulatorHost.SalesUserId);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var contactId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("contactId").GetString()!;
        Assert.Equal(SimulatorHost.SalesUserId, (await Crm.Read("Lead", leadId)).GetProperty("LastModifiedById").GetString());
        Assert.Equal(SimulatorHost.SalesUserId, (await Crm.Read("Contact", contactId)).GetProperty("CreatedById").GetString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("005Sy0000000099IAA")]
    public async Task AConversionWithoutAKnownUserIsRefusedNamingAsUserAndChangesNothing(string? asUser)
    {
        var leadId = await Crm.CreateLead("Nobody", SimulatorHost.NewEmail());
        var head = await Crm.Head();

        using var response = await Crm.Admin.PostAsJsonAsync($"admin/leads/{leadId}/convert", new { asUser });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("asUser", out _));
        Assert.Empty((await Crm.Changes(head)).Changes);
    }

    [Fact]
    public async Task ARestoredRecordIsTheChangeOfTheUserItNames()
    {
        var id = await Crm.CreateContact("Phoenix", SimulatorHost.NewEmail(), client: Crm.Integration);
        (await Crm.Sales.DeleteAsync($"sobjects/Contact/{id}")).Dispose();

        using var response = await Crm.Undelete("Contact", id, asUser: SimulatorHost.SalesUserId);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(SimulatorHost.SalesUserId, (await Crm.Read("Contact", id)).GetProperty("LastModifiedById").GetString());
    }

    [Fact]
    public async Task RestoringARecordThatIsNotDeletedIsRefusedWithTheCrmsCode()
    {
        var id = await Crm.CreateContact("Alive", SimulatorHost.NewEmail());

        using var response = await Crm.Undelete("Contact", id);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = Assert.Single((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateArray());
        Assert.Equal("UNDELETE_FAILED", error.GetProperty("errorCode").GetString());
    }
}
