using System.Text.Json;
using Sync.Clients.Crm;
using Sync.Contracts;
using Sync.CrmSimulator.Tests.Support;

namespace Sync.CrmSimulator.Tests;

/// <summary><see cref="ICrmClient"/> against the real simulator: one charged call per method, and every failure told apart.</summary>
public sealed class CrmClientTests(CrmClientTests.Fixture fixture) : IClassFixture<CrmClientTests.Fixture>, IAsyncLifetime
{
    private SimulatorHost Crm => fixture.Crm;

    public async Task InitializeAsync()
    {
        await Crm.ClearFaults();
        await Crm.SetLimits(new { dailyApiRequests = 100_000, used = 0 });
    }

    public Task DisposeAsync() => Crm.ClearFaults();

    [Fact]
    public async Task LookupFindsLeadsAndContactsByIdAndByEmailInOneCharged()
    {
        var client = Crm.CrmClient();
        var leadEmail = SimulatorHost.NewEmail("lead");
        var contactEmail = SimulatorHost.NewEmail("Contact");
        var sharedEmail = SimulatorHost.NewEmail("both");
        var leadById = await Crm.CreateLead("ById", SimulatorHost.NewEmail());
        var leadByEmail = await Crm.CreateLead("ByEmail", leadEmail, new { ProspectId__c = "55" });
        var contactById = await Crm.CreateContact("ById", SimulatorHost.NewEmail());
        var contactByEmail = await Crm.CreateContact("ByEmail", contactEmail);
        var leadShared = await Crm.CreateLead("Shared", sharedEmail);
        var contactShared = await Crm.CreateContact("Shared", sharedEmail);
        var deletedLead = await Crm.CreateLead("Deleted", SimulatorHost.NewEmail());
        (await Crm.Sales.DeleteAsync($"sobjects/Lead/{deletedLead}")).Dispose();
        var used = await Used();

        var result = await client.Lookup(new CrmLookup
        {
            LeadIds = [leadById, deletedLead, leadById[..15], "not-an-id"],
            ContactIds = [contactById],
            Emails = [leadEmail, contactEmail.ToUpperInvariant(), sharedEmail, SimulatorHost.NewEmail("nobody")],
        }, CancellationToken.None);

        Assert.Equal(used + 1, await Used());
        Assert.Equal(new[] { leadById, leadByEmail, leadShared }.Order(), result.Leads.Select(lead => lead.Id).Order());
        Assert.Equal(new[] { contactById, contactByEmail, contactShared }.Order(), result.Contacts.Select(contact => contact.Id).Order());
        Assert.Equal(new[] { deletedLead, "not-an-id" }.Order(), result.MissingIds.Order());
        var lead = result.Leads.Single(found => found.Id == leadByEmail);
        Assert.Equal(CrmObjectType.Lead, lead.Type);
        Assert.Equal(leadEmail, lead.Email);
        Assert.Equal("55", lead[CrmFields.ProspectId]);
        Assert.Equal("false", lead[CrmFields.IsConverted]);
        Assert.NotNull(lead.LastModifiedDate);
        Assert.Equal(new CrmApiUsage(used + 1, 100_000), client.LastKnownUsage);
        Assert.Equal(new CrmApiUsage(used + 1, 100_000), result.Usage);
    }

    [Fact]
    public async Task EachLookupAndWriteCarriesTheUsageReportedOnItsOwnAnswer()
    {
        var client = Crm.CrmClient();
        var used = await Used();

        var lookup = await client.Lookup(new CrmLookup { Emails = [SimulatorHost.NewEmail()] }, CancellationToken.None);
        var write = await client.Write([new CrmRecord
        {
            Type = CrmObjectType.Lead,
            Fields = new Dictionary<string, string?> { ["LastName"] = "Usage", ["Company"] = "Acme", ["Email"] = SimulatorHost.NewEmail() },
        }], [], CancellationToken.None);
        // Another call's answer arrives after them: each result still names the count of its own answer.
        await client.Lookup(new CrmLookup { Emails = [SimulatorHost.NewEmail()] }, CancellationToken.None);

        Assert.Equal(new CrmApiUsage(used + 1, 100_000), lookup.Usage);
        Assert.Equal(new CrmApiUsage(used + 2, 100_000), write.Usage);
        Assert.Equal(new CrmApiUsage(used + 3, 100_000), client.LastKnownUsage);
    }

    [Fact]
    public async Task LookupOfTwoHundredProspectsIsStillOneCall()
    {
        var client = Crm.CrmClient();
        var emails = Enumerable.Range(0, 200).Select(i => SimulatorHost.NewEmail($"many{i}")).ToList();
        var ids = Enumerable.Range(0, 200).Select(i => $"00QSyzzzzz{i:D5}").ToList();
        var used = await Used();

        var result = await client.Lookup(new CrmLookup { LeadIds = ids, ContactIds = ids.Select(id => "003" + id[3..]).ToList(), Emails = emails }, CancellationToken.None);

        Assert.Equal(used + 1, await Used());
        Assert.Equal(400, result.MissingIds.Count);
    }

    [Fact]
    public async Task LookupOfNothingCallsNothing()
    {
        var client = Crm.CrmClient();
        var used = await Used();

        var result = await client.Lookup(new CrmLookup(), CancellationToken.None);

        Assert.Empty(result.Leads);
        Assert.Equal(used, await Used());
    }

    [Fact]
    public async Task WriteCreatesAndUpdatesInOneChargedCallWithAnAnswerPerRecord()
    {
        var client = Crm.CrmClient();
        var existing = await Crm.CreateContact("Existing", SimulatorHost.NewEmail());
        var deleted = await Crm.CreateContact("Deleted", SimulatorHost.NewEmail());
        (await Crm.Sales.DeleteAsync($"sobjects/Contact/{deleted}")).Dispose();
        var used = await Used();

        var result = await client.Write(
            [
                Record(CrmObjectType.Lead, null, ("LastName", "Created"), ("Company", "Sync"), ("Email", SimulatorHost.NewEmail()), ("ProspectId__c", "77"), ("Score__c", "12")),
                Record(CrmObjectType.Lead, null, ("LastName", "NoCompany")),
            ],
            [
                Record(CrmObjectType.Contact, existing, ("Title", "Updated by sync"), ("HasOptedOutOfEmail", "true")),
                Record(CrmObjectType.Contact, deleted, ("Title", "Too late")),
            ],
            CancellationToken.None);

        Assert.Equal(used + 1, await Used());
        Assert.True(result.Created[0].Success);
        Assert.StartsWith("00Q", result.Created[0].Id, StringComparison.Ordinal);
        Assert.False(result.Created[1].Success);
        Assert.Equal("REQUIRED_FIELD_MISSING", Assert.Single(result.Created[1].Errors).ErrorCode);
        Assert.Equal(["Company"], result.Created[1].Errors[0].Fields);
        Assert.True(result.Updated[0].Success);
        Assert.Equal("ENTITY_IS_DELETED", Assert.Single(result.Updated[1].Errors).ErrorCode);
        var contact = await Crm.Read("Contact", existing);
        Assert.Equal("Updated by sync", contact.GetProperty("Title").GetString());
        Assert.True(contact.GetProperty("HasOptedOutOfEmail").GetBoolean());
        Assert.Equal(SimulatorHost.IntegrationUserId, contact.GetProperty("LastModifiedById").GetString());
    }

    [Fact]
    public async Task AProspectsAddressWithAnApostropheOrAPlusIsWrittenAndFoundAgainByEmail()
    {
        var client = Crm.CrmClient();
        var apostrophe = $"o'brien.{Guid.NewGuid():N}@example.com";
        var plus = $"ada+crm.{Guid.NewGuid():N}@localhost.xn--p1ai";

        var written = await client.Write(
            [
                Record(CrmObjectType.Lead, null, ("LastName", "O'Brien"), ("Company", "Sync"), ("Email", apostrophe)),
                Record(CrmObjectType.Contact, null, ("LastName", "Lovelace"), ("Email", plus)),
            ],
            [], CancellationToken.None);
        var found = await client.Lookup(new CrmLookup { Emails = [apostrophe, plus] }, CancellationToken.None);

        Assert.All(written.Created, result => Assert.True(result.Success, string.Join(", ", result.Errors.Select(error => error.ErrorCode))));
        Assert.Equal(written.Created[0].Id, Assert.Single(found.Leads).Id);
        Assert.Equal(written.Created[1].Id, Assert.Single(found.Contacts).Id);
        Assert.Equal(apostrophe, found.Leads[0].Email);
    }

    [Fact]
    public async Task WriteOfOnlyCreatesOrOnlyUpdatesIsOneCallToo()
    {
        var client = Crm.CrmClient();
        var used = await Used();

        var created = await client.Write([Record(CrmObjectType.Contact, null, ("LastName", "Solo"))], [], CancellationToken.None);
        var updated = await client.Write([], [Record(CrmObjectType.Contact, created.Created[0].Id, ("Title", "Solo"))], CancellationToken.None);

        Assert.Equal(used + 2, await Used());
        Assert.True(created.Created.Single().Success);
        Assert.True(updated.Updated.Single().Success);
    }

    [Fact]
    public async Task WriteOfMoreThanTwoHundredRecordsIsRefusedBeforeAnyCall()
    {
        var client = Crm.CrmClient();
        var records = Enumerable.Range(0, 201).Select(i => Record(CrmObjectType.Contact, null, ("LastName", $"N{i}"))).ToList();

        await Assert.ThrowsAsync<ArgumentException>(() => client.Write(records, [], CancellationToken.None));
    }

    [Fact]
    public async Task GetLimitsIsFreeAndTellsWhenTheAllowanceResets()
    {
        var client = Crm.CrmClient();
        await Crm.SetLimits(new { used = 10 });

        var limits = await client.GetLimits(CancellationToken.None);

        Assert.Equal(new CrmApiUsage(10, 100_000), limits.DailyApiRequests);
        Assert.NotNull(limits.ResetsAt);
        Assert.Equal(10, await Used());
    }

    [Fact]
    public async Task ASpentAllowanceThrowsLimitExceededWithTheResetTime()
    {
        var client = Crm.CrmClient();
        await Crm.SetLimits(new { used = 100_000 });

        var exception = await Assert.ThrowsAsync<CrmRequestLimitExceededException>(
            () => client.Lookup(new CrmLookup { Emails = [SimulatorHost.NewEmail()] }, CancellationToken.None));

        Assert.Equal(new CrmApiUsage(100_000, 100_000), exception.Usage);
        Assert.NotNull(exception.ResetsAt);
        Assert.True(exception.ResetsAt > DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task ServerErrorsTimeoutsDropsAndTheConcurrencyCapAreTransient()
    {
        var client = Crm.CrmClient(timeout: TimeSpan.FromMilliseconds(500));
        var lookup = new CrmLookup { Emails = [SimulatorHost.NewEmail()] };

        await Crm.SetFaults(new { failNextRequests = 1 });
        await Assert.ThrowsAsync<CrmTransientException>(() => client.Lookup(lookup, CancellationToken.None));

        await Crm.SetFaults(new { timeOutNextRequests = 1, timeoutHold = "00:00:05" });
        await Assert.ThrowsAsync<CrmTransientException>(() => client.GetLimits(CancellationToken.None));

        await Crm.SetFaults(new { timeOutNextRequests = 1, timeoutHold = "00:00:00.010", timeoutBehaviour = "Drop" });
        await Assert.ThrowsAsync<CrmTransientException>(() => client.ReadChanges(0, 10, CancellationToken.None));

        await Crm.SetFaults(new { timeOutNextRequests = 1, timeoutHold = "00:00:00.010" });
        await Assert.ThrowsAsync<CrmTransientException>(() => client.Lookup(lookup, CancellationToken.None));

        await Crm.ClearFaults();
        await Crm.SetLimits(new { maxConcurrentRequests = 1 });
        await Crm.SetFaults(new { latencyMilliseconds = 400 });
        try
        {
            var slow = Crm.Sales.GetAsync("limits");
            await Sync.Testing.Eventually.True(async () => (await Crm.AdminSend(HttpMethod.Get, "admin/state")).GetProperty("limits").GetProperty("inFlight").GetInt32() == 1,
                "a slow request to hold the only slot");
            await Assert.ThrowsAsync<CrmTransientException>(() => client.Lookup(lookup, CancellationToken.None));
            (await slow).Dispose();
        }
        finally
        {
            await Crm.SetLimits(new { maxConcurrentRequests = 25 });
        }
    }

    [Fact]
    public async Task ABadTokenIsARequestError()
    {
        var client = Crm.CrmClient(token: "revoked-token");

        var exception = await Assert.ThrowsAsync<CrmRequestException>(() => client.GetLimits(CancellationToken.None));

        Assert.Equal("INVALID_SESSION_ID", Assert.Single(exception.Errors).ErrorCode);
    }

    [Fact]
    public async Task ExceptionMessagesNeverQuoteAnEmailAddress()
    {
        var client = Crm.CrmClient();
        var email = "quote'me@example.com";

        await Crm.SetFaults(new { failNextRequests = 1 });
        var transient = await Assert.ThrowsAsync<CrmTransientException>(() => client.Lookup(new CrmLookup { Emails = [email] }, CancellationToken.None));
        var created = await client.Write([Record(CrmObjectType.Contact, null, ("LastName", "Bad"), ("Email", "bad address@example.com"))], [], CancellationToken.None);

        Assert.DoesNotContain("@", transient.Message, StringComparison.Ordinal);
        Assert.Equal("INVALID_EMAIL_ADDRESS", created.Created.Single().Errors.Single().ErrorCode);
    }

    [Fact]
    public async Task ReadChangesFollowsTheFeedAndReportsAnExpiredPosition()
    {
        var client = Crm.CrmClient();
        var head = (await client.ReadChanges(0, 1, CancellationToken.None)).HeadPosition;
        var id = await Crm.CreateLead("Followed", SimulatorHost.NewEmail());

        var page = await client.ReadChanges(head, 10, CancellationToken.None);

        var change = Assert.Single(page.Changes);
        Assert.Equal(id, change.RecordId);
        Assert.Equal(head + 1, page.HeadPosition);
        Assert.Equal(SimulatorHost.SalesUserId, change.CommitUser);

        for (var i = 0; i < Fixture.RetainedEntries; i++)
            await Crm.CreateLead($"Filler{i}", SimulatorHost.NewEmail());
        var expired = await Assert.ThrowsAsync<CrmFeedCursorExpiredException>(() => client.ReadChanges(head, 10, CancellationToken.None));
        Assert.Equal(head, expired.RequestedPosition);
        Assert.Equal(head + 2, expired.OldestRetainedPosition);
    }

    private async Task<int> Used() => (await Crm.AdminSend(HttpMethod.Get, "admin/state")).GetProperty("limits").GetProperty("used").GetInt32();

    private static CrmRecord Record(CrmObjectType type, string? id, params (string Name, string? Value)[] fields) => new()
    {
        Id = id,
        Type = type,
        Fields = fields.ToDictionary(field => field.Name, field => field.Value),
    };

    /// <summary>Its own simulator: these tests count charged calls and set faults.</summary>
    public sealed class Fixture : SimulatorFixture
    {
        public const int RetainedEntries = 30;

        protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
        {
            ["CrmSimulator:Feed:RetainedEntries"] = RetainedEntries.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
    }
}
