using Sync.CrmChangeListener.Tests.Support;
using Sync.CrmSimulator.Tests.Support;
using Sync.Testing;

namespace Sync.CrmChangeListener.Tests;

/// <summary>
/// What the listener publishes for the CRM's changes: Lead and Contact changes that moved LastModifiedDate, owner changes,
/// creations and deletions — and nothing for formula recalculations, Account edits or the sync's own writes.
/// </summary>
public sealed class ListenerTests(ListenerFixture fixture) : IClassFixture<ListenerFixture>
{
    private SimulatorHost Crm => fixture.Crm;

    [Fact]
    public async Task LeadAndContactChangesArePublishedForTheirProspect()
    {
        var leadId = await Crm.CreateLead("Published", SimulatorHost.NewEmail(), new { ProspectId__c = "1001" });
        var contactId = await Crm.CreateContact("Published", SimulatorHost.NewEmail(), new { ProspectId__c = "1002" });
        await Crm.Update("Lead", leadId, new { Title = "Director" });
        await Crm.Update("Contact", contactId, new { Phone = "+1 555 0100" });

        var lead = await Eventually.Until(async () => await fixture.PublishedFor(leadId) is { Count: 2 } found ? found : null, "the Lead's two changes to be published");
        var contact = await Eventually.Until(async () => await fixture.PublishedFor(contactId) is { Count: 2 } found ? found : null, "the Contact's two changes to be published");

        Assert.Equal(["Created", "Updated"], lead.Select(change => change.Kind));
        Assert.All(lead, change => Assert.Equal(1001, change.ProspectId));
        Assert.All(lead, change => Assert.Equal("Lead", change.ObjectType));
        Assert.Equal(["Title"], lead[1].ChangedFields);
        Assert.Equal(SimulatorHost.SalesUserId, lead[1].CommittedBy);
        var read = await Crm.Read("Lead", leadId);
        Assert.Equal(DateTimeOffset.Parse(read.GetProperty("LastModifiedDate").GetString()!, System.Globalization.CultureInfo.InvariantCulture), lead[1].LastModifiedDate);
        Assert.Equal(["Created", "Updated"], contact.Select(change => change.Kind));
        Assert.All(contact, change => Assert.Equal(1002, change.ProspectId));
        Assert.Equal(4, lead.Concat(contact).Select(change => change.EventId).Distinct().Count());
    }

    [Fact]
    public async Task AnOwnerChangeIsPublishedAsOwnerChanged()
    {
        var contactId = await Crm.CreateContact("Reassigned", SimulatorHost.NewEmail(), new { ProspectId__c = "2001" }, Crm.Integration);

        await Crm.Update("Contact", contactId, new { OwnerId = SimulatorHost.SalesUserId });

        var published = await Eventually.Until(async () => await fixture.PublishedFor(contactId) is { Count: 1 } found ? found : null, "the owner change to be published");
        Assert.Equal("OwnerChanged", published[0].Kind);
        Assert.Contains("OwnerId", published[0].ChangedFields);
        Assert.NotNull(published[0].LastModifiedDate);
    }

    [Fact]
    public async Task ADeletionIsPublishedAsDeleted()
    {
        var leadId = await Crm.CreateLead("Deleted", SimulatorHost.NewEmail(), new { ProspectId__c = "3001" });

        (await Crm.Sales.DeleteAsync($"sobjects/Lead/{leadId}")).Dispose();

        var published = await Eventually.Until(async () => await fixture.PublishedFor(leadId) is { Count: 2 } found ? found : null, "the deletion to be published");
        Assert.Equal(["Created", "Deleted"], published.Select(change => change.Kind));
    }

    [Fact]
    public async Task WithoutAProspectIdTheProspectIsFoundByEmail()
    {
        var email = SimulatorHost.NewEmail("found");
        fixture.Prospects.Add(email, 4001);

        var contactId = await Crm.CreateContact("FoundByEmail", email.ToUpperInvariant());

        var published = await Eventually.Until(async () => await fixture.PublishedFor(contactId) is { Count: 1 } found ? found : null, "the change to be published");
        Assert.Equal(4001, published[0].ProspectId);
    }

    [Fact]
    public async Task AChangeNoProspectMatchesIsSkipped()
    {
        var before = await SkippedAtHead();
        var contactId = await Crm.CreateContact("Stranger", SimulatorHost.NewEmail("stranger"));
        var noEmail = await Crm.CreateLead("NoEmail", "placeholder@example.com");
        await Crm.Update("Lead", noEmail, new { Email = (string?)null });

        var after = await SkippedAtHead();

        Assert.Empty(await fixture.PublishedFor(contactId));
        Assert.Empty(await fixture.PublishedFor(noEmail));
        // The Contact, the Lead's creation and the update that cleared its address.
        Assert.Equal(3, Skipped(after, "NoProspect") - Skipped(before, "NoProspect"));
    }

    [Fact]
    public async Task FormulaRecalculationsAccountEditsAndTheSyncsOwnWritesPublishNothing()
    {
        var before = await SkippedAtHead();
        var accountId = await Crm.Create("Account", new { Name = $"Quiet {Guid.NewGuid():N}", Rating = "Warm" });
        var contactId = await Crm.CreateContact("Quiet", SimulatorHost.NewEmail(), new { AccountId = accountId, ProspectId__c = "5001", Score__c = 60 }, Crm.Integration);
        var leadId = await Crm.CreateLead("Quiet", SimulatorHost.NewEmail(), new { ProspectId__c = "5002" }, Crm.Integration);

        await Crm.Update("Account", accountId, new { Rating = "Hot" });
        await Crm.Update("Contact", contactId, new { Title = "Written by the sync" }, Crm.Integration);
        await Crm.Update("Lead", leadId, new { Title = "Written by the sync" }, Crm.Integration);
        await Crm.Update("Lead", leadId, new { Title = "Written by the sync" });
        await Crm.AdminSend(HttpMethod.Put, "admin/formulas/score-band", new { warmAt = 70, hotAt = 90 });
        await Crm.AdminSend(HttpMethod.Put, "admin/formulas/score-band", new { warmAt = 50, hotAt = 100 });
        Assert.Contains(await Crm.ChangesOf(contactId), change => !change.LastModifiedDateMoved);

        var after = await SkippedAtHead();

        Assert.Empty(await fixture.PublishedFor(accountId));
        Assert.Empty(await fixture.PublishedFor(contactId));
        Assert.Empty(await fixture.PublishedFor(leadId));
        // The Account's creation and edit; the integration user's two creations and two updates (the sales user's update
        // of the Lead changed nothing, so it is no change); the Contact's band moved by each formula edit.
        Assert.Equal(2, Skipped(after, "ObjectNotSynced") - Skipped(before, "ObjectNotSynced"));
        Assert.Equal(4, Skipped(after, "SyncOwnWrite") - Skipped(before, "SyncOwnWrite"));
        Assert.Equal(2, Skipped(after, "LastModifiedDateUnchanged") - Skipped(before, "LastModifiedDateUnchanged"));
    }

    [Fact]
    public async Task AProspectEditorOutageIsRetriedWithoutLosingTheChange()
    {
        var email = SimulatorHost.NewEmail("outage");
        fixture.Prospects.Add(email, 6001);
        fixture.Prospects.FailNext(2);

        var leadId = await Crm.CreateLead("Outage", email);

        var published = await Eventually.Until(async () => await fixture.PublishedFor(leadId) is { Count: 1 } found ? found : null, "the change to be published after the outage");
        Assert.Equal(6001, published[0].ProspectId);
        Assert.Contains("prospect-editor answered 503", (await fixture.Listener.Status()).LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheFeedStatusReportsPositionHeadAndLag()
    {
        await Crm.CreateLead("Status", SimulatorHost.NewEmail(), new { ProspectId__c = "7001" });
        var head = await Crm.Head();

        await fixture.Listener.AtPosition(head);

        var status = await Eventually.Until(async () => await fixture.Listener.Status() is { State: "AtHead" } atHead ? atHead : null, "the status to show the listener at the head");
        Assert.True(status.Position >= head);
        Assert.Equal(0, status.Lag);
        Assert.Equal(status.Position, status.HeadPosition);
        Assert.NotNull(status.LastReadAt);
    }

    /// <summary>The skip counts once the listener has handled everything committed so far: before and after a test's changes.</summary>
    private async Task<IReadOnlyDictionary<string, long>> SkippedAtHead()
    {
        await fixture.ListenerAtHead();
        return (await fixture.Listener.Status()).Skipped;
    }

    private static long Skipped(IReadOnlyDictionary<string, long> counts, string reason) => counts.GetValueOrDefault(reason);
}
