using System.Net.Http.Json;
using Sync.Contracts;
using Sync.CrmSimulator.Tests.Support;
using Sync.SyncWorker.Storage.SyncErrors;
using Sync.Testing;

namespace Sync.SyncWorker.Tests.RealServices;

public sealed class RealCrmMergeFixture : IAsyncLifetime
{
    public RealServicesHost Services { get; private set; } = null!;

    // The default mapping: company, city and the assigned user go to whichever side changed them.
    public async Task InitializeAsync() => Services = await RealServicesHost.Start("worker-real-merge");

    public async Task DisposeAsync() => await Services.DisposeAsync();
}

/// <summary>
/// Against the real crm-simulator and prospect-editor: a field changed on one side since the last sync is that side's
/// change, whichever record changed last; only a field both sides changed goes by the record dates, and is named.
/// </summary>
public sealed class RealCrmMergeTests(RealCrmMergeFixture fixture) : IClassFixture<RealCrmMergeFixture>
{
    private RealServicesHost Services => fixture.Services;

    private SimulatorHost Crm => Services.Crm;

    [Fact]
    public async Task ChangesToDifferentFieldsOnEachSideBothReachBothSidesThoughTheCrmChangedLast()
    {
        var (prospect, leadId) = await SyncedLead("lumbergh", new { lastName = "Lumbergh", company = "Initech", city = "Austin" });

        await Services.UpdateProspect(prospect.Id, new { company = "Initrode" });
        await Crm.Update("Lead", leadId, new { City = "Dallas" });
        await CrmChangedLast(prospect.Id, leadId);
        var completed = await Services.SyncOne(prospect.Id);

        Assert.Equal(SyncOutcome.Synced, completed.Outcome);
        Assert.DoesNotContain("conflict", completed.Detail);
        await BothSidesHold(prospect.Id, leadId, company: "Initrode", city: "Dallas");
    }

    [Fact]
    public async Task AFieldBothSidesChangedGoesToTheSideChangedLastAndTheSyncNamesTheConflict()
    {
        var (prospect, leadId) = await SyncedLead("bolton", new { lastName = "Bolton", company = "Initech", city = "Austin" });

        await Services.UpdateProspect(prospect.Id, new { city = "Lyon" });
        await Crm.Update("Lead", leadId, new { City = "Marseille" });
        await CrmChangedLast(prospect.Id, leadId);
        var crmWon = await Services.SyncOne(prospect.Id);

        Assert.Contains("conflict: both sides changed city (City) since the last sync, and the CRM record's values were kept", crmWon.Detail);
        await BothSidesHold(prospect.Id, leadId, company: "Initech", city: "Marseille");

        await Crm.Update("Lead", leadId, new { City = "Nice" });
        await Services.UpdateProspect(prospect.Id, new { city = "Lille", company = "Initrode" });
        var prospectWon = await Services.SyncOne(prospect.Id);

        Assert.Contains("conflict: both sides changed city (City) since the last sync, and the prospect's values were kept", prospectWon.Detail);
        Assert.DoesNotContain("company", prospectWon.Detail);
        await BothSidesHold(prospect.Id, leadId, company: "Initrode", city: "Lille");
    }

    [Fact]
    public async Task AFirstSyncWithoutAMergeBaseKeepsTheValuesOfTheRecordChangedLast()
    {
        var email = RealServicesHost.NewEmail("nagheenanajar");
        var prospect = await Services.CreateProspect(email, new { lastName = "Nagheenanajar", company = "Initrode", city = "Austin" });
        var leadId = await Crm.CreateLead("Nagheenanajar", email, new { Company = "Initech", City = "Dallas" });
        await CrmChangedLast(prospect.Id, leadId);

        var completed = await Services.SyncOne(prospect.Id);

        Assert.Equal((SyncOutcome.Synced, leadId), (completed.Outcome, completed.CrmRecordId));
        Assert.DoesNotContain("conflict", completed.Detail);
        await BothSidesHold(prospect.Id, leadId, company: "Initech", city: "Dallas");
    }

    [Fact]
    public async Task ASalesEditBetweenTheWorkersLookupAndItsWriteIsMergedNotOverwritten()
    {
        var (prospect, leadId) = await SyncedLead("drucker", new { lastName = "Drucker", company = "Initech", city = "Austin" });
        await Services.UpdateProspect(prospect.Id, new { company = "Initrode" });
        Services.Traffic.BeforeNextWrite(() => Crm.Update("Lead", leadId, new { Company = "Penetrode" }));

        var completed = await Services.SyncOne(prospect.Id);

        // The write named the LastModifiedDate the lookup read; the CRM refused it, and the retry merged the sales edit,
        // the later of the two changes to company.
        Assert.Equal(SyncOutcome.Synced, completed.Outcome);
        Assert.Contains("conflict: both sides changed company (Company) since the last sync, and the CRM record's values were kept", completed.Detail);
        await BothSidesHold(prospect.Id, leadId, company: "Penetrode", city: "Austin");
    }

    [Fact]
    public async Task AMarketingEditBetweenTheWorkersReadAndItsWriteBackStandsAndReachesTheCrmNextSync()
    {
        var (prospect, leadId) = await SyncedLead("harbaugh", new { lastName = "Harbaugh", company = "Initech", city = "Austin" });
        await Crm.Update("Lead", leadId, new { City = "Marseille" });
        await Services.UpdateProspect(prospect.Id, new { company = "Initrode" });
        Services.Traffic.BeforeNextWrite(async () => await Services.UpdateProspect(prospect.Id, new { city = "Lyon" }));

        await Services.SyncOne(prospect.Id);

        // The write-back of the CRM's city met a prospect changed since the worker read it, and left the newer value alone.
        Assert.Equal("Lyon", (await Services.Prospect(prospect.Id)).Fields["city"]);
        Assert.Equal("Marseille", SimulatorHost.Text(await Crm.Read("Lead", leadId), "City"));

        await Services.SyncOne(prospect.Id);

        await BothSidesHold(prospect.Id, leadId, company: "Initrode", city: "Lyon");
    }

    [Fact]
    public async Task TheMergeBaseIsKeptInRedisPerProspectAcrossAWorkerRestart()
    {
        var (prospect, leadId) = await SyncedLead("waddams", new { lastName = "Waddams", company = "Initech", city = "Austin" });
        Assert.Contains((await Services.Redis.Keys()), key => key.EndsWith($":sync-worker:{{p:{prospect.Id}}}:merge-base", StringComparison.Ordinal));

        await Services.Worker.Restart();
        await Services.Worker.UntilConsuming();
        await Services.UpdateProspect(prospect.Id, new { company = "Initrode" });
        await Crm.Update("Lead", leadId, new { City = "Dallas" });
        await CrmChangedLast(prospect.Id, leadId);
        var completed = await Services.SyncOne(prospect.Id);

        Assert.Equal(SyncOutcome.Synced, completed.Outcome);
        await BothSidesHold(prospect.Id, leadId, company: "Initrode", city: "Dallas");
    }

    [Fact]
    public async Task TheIntegrationUserOwningTheLeadTheSyncCreatedIsNeverTheProspectsAssignedUser()
    {
        var (prospect, leadId) = await SyncedLead("smykowski", new { lastName = "Smykowski", company = "Initech" });
        Assert.Equal(SimulatorHost.IntegrationUserId, SimulatorHost.Text(await Crm.Read("Lead", leadId), "OwnerId"));

        await Services.UpdateProspect(prospect.Id, new { title = "Liaison" });
        await Services.SyncOne(prospect.Id);

        Assert.Null((await Services.Prospect(prospect.Id)).AssignedUser);

        // A sales rep taking the Lead is a real assignment: it reaches the prospect.
        await Crm.Update("Lead", leadId, new { OwnerId = SimulatorHost.SalesUserId });
        await Services.SyncOne(prospect.Id);

        Assert.Equal(SimulatorHost.SalesUserId, (await Services.Prospect(prospect.Id)).AssignedUser);
    }

    [Fact]
    public async Task AUserAssignedOnTheMarketingSideReplacesTheIntegrationUsersDefaultOwnership()
    {
        var (prospect, leadId) = await SyncedLead("porter", new { lastName = "Porter", company = "Initech" });

        await Services.AssignUser(prospect.Id, SimulatorHost.SalesUserId);
        await Crm.Update("Lead", leadId, new { Title = "Senior Consultant" });
        await CrmChangedLast(prospect.Id, leadId);
        await Services.SyncOne(prospect.Id);

        Assert.Equal(SimulatorHost.SalesUserId, SimulatorHost.Text(await Crm.Read("Lead", leadId), "OwnerId"));
        Assert.Equal(SimulatorHost.SalesUserId, (await Services.Prospect(prospect.Id)).AssignedUser);
    }

    [Theory]
    [InlineData("Bill Lumbergh", "MALFORMED_ID")]
    [InlineData("005Sy0000000999", "INVALID_CROSS_REFERENCE_KEY")]
    public async Task AnAssignedUserTheCrmRefusesFailsThatProspectAndTheErrorListNamesTheUser(string assignedUser, string errorCode)
    {
        var (prospect, leadId) = await SyncedLead("samir", new { lastName = "Nagheenanajar", company = "Initech" });
        await Services.UpdateProspect(prospect.Id, new { title = "Programmer" });
        await Services.AssignUser(prospect.Id, assignedUser);

        var completed = await Services.SyncOne(prospect.Id);

        Assert.Equal(SyncOutcome.Failed, completed.Outcome);
        var entry = Assert.Single((await Services.Worker.Api.GetFromJsonAsync<List<SyncErrorEntry>>("sync/errors", Json.Options))!,
            entry => entry.ProspectId == prospect.Id);
        Assert.Equal(errorCode, entry.ErrorCode);
        Assert.Equal(["OwnerId"], entry.Fields);
        Assert.StartsWith($"The CRM refused the prospect's assigned user \"{assignedUser}\" as the Lead's OwnerId", entry.Message);
        Assert.Contains($"assigned user \"{assignedUser}\"", completed.Detail);
        // Nothing of the prospect was half-written.
        var lead = await Crm.Read("Lead", leadId);
        Assert.Equal((SimulatorHost.IntegrationUserId, null), (SimulatorHost.Text(lead, "OwnerId"), SimulatorHost.Text(lead, "Title")));
    }

    /// <summary>A prospect synced once, as a new Lead: its merge base is what both sides hold now.</summary>
    private async Task<(Clients.ProspectEditor.ProspectDto Prospect, string LeadId)> SyncedLead(string who, object fields)
    {
        var prospect = await Services.CreateProspect(RealServicesHost.NewEmail(who), fields);
        var first = await Services.SyncOne(prospect.Id);
        Assert.Equal((SyncOutcome.Synced, CrmObjectType.Lead), (first.Outcome, first.CrmObjectType));
        return (prospect, first.CrmRecordId!);
    }

    private async Task BothSidesHold(long prospectId, string leadId, string company, string city)
    {
        var lead = await Crm.Read("Lead", leadId);
        Assert.Equal((company, city), (SimulatorHost.Text(lead, "Company"), SimulatorHost.Text(lead, "City")));
        var prospect = await Services.Prospect(prospectId);
        Assert.Equal((company, city), (prospect.Fields["company"], prospect.Fields["city"]));
    }

    /// <summary>The premise of a test where the record-level rule alone would take the CRM's values: the record changed after the prospect.</summary>
    private async Task CrmChangedLast(long prospectId, string leadId)
    {
        var prospectUpdatedAt = (await Services.Prospect(prospectId)).UpdatedAt;
        var leadModifiedAt = DateTimeOffset.Parse(SimulatorHost.Text(await Crm.Read("Lead", leadId), "LastModifiedDate")!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(leadModifiedAt > prospectUpdatedAt, $"The Lead ({leadModifiedAt:O}) must have changed after the prospect ({prospectUpdatedAt:O}).");
    }
}
