using System.Net;
using System.Net.Http.Json;
using Sync.Clients.Crm;
using Sync.Contracts;
using Sync.SyncWorker.Storage.SyncErrors;
using Sync.Testing;
using static Sync.SyncWorker.Tests.Fakes.SeedValues;

namespace Sync.SyncWorker.Tests;

/// <summary>One worker for the suite, on the lane of the suite's class.</summary>
public abstract class SyncBehaviourFixture(WorkerLane lane) : IAsyncLifetime
{
    public WorkerHost Worker { get; private set; } = null!;

    public async Task InitializeAsync() => Worker = await WorkerHost.Start(lane, "worker-behaviour", new Dictionary<string, string?>
    {
        ["FieldMapping:Fields:title:Behavior"] = "UseCrmValue",
        ["FieldMapping:Fields:phone:Behavior"] = "UseMarketingValue",
        ["FieldMapping:Fields:city:Behavior"] = "UseMostRecentlyUpdated",
        ["FieldMapping:Fields:industry:Crm"] = "Industry",
    });

    public async Task DisposeAsync() => await Worker.DisposeAsync();
}

public sealed class ServersSyncBehaviourFixture() : SyncBehaviourFixture(WorkerLane.Servers);

public sealed class InMemorySyncBehaviourFixture() : SyncBehaviourFixture(WorkerLane.InMemory);

/// <summary>
/// What one sync does to a prospect and its CRM record: matching, field behaviours, write-back, reporting. On both lanes:
/// <see cref="SyncBehaviourTestsOnServers"/> and <see cref="SyncBehaviourTestsInMemory"/>.
/// </summary>
public abstract class SyncBehaviourTests(SyncBehaviourFixture fixture)
{
    private static readonly DateTimeOffset LongAgo = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);

    protected WorkerHost Worker => fixture.Worker;

    [Fact]
    public async Task NewProspectBecomesALeadWithPlaceholdersForWhatTheCrmRequires()
    {
        var id = WorkerHost.NextProspectId();
        Worker.Editor.Add(id, Email(id), Fields(("firstName", "Ada")));
        var request = WorkerHost.Request(id, version: 3);

        var completed = (await Worker.Sync(request))[0];

        Assert.Equal(SyncOutcome.Synced, completed.Outcome);
        Assert.Equal(request.SyncId, completed.SyncId);
        Assert.Equal(3, completed.Version);
        Assert.Equal(CrmObjectType.Lead, completed.CrmObjectType);
        var lead = Worker.Crm.Get(completed.CrmRecordId!)!;
        Assert.Equal("Ada", lead["FirstName"]);
        Assert.Equal("[not provided]", lead["LastName"]);
        Assert.Equal("[not provided]", lead["Company"]);
        Assert.Equal(Email(id), lead.Email);
        Assert.Equal(id.ToString(System.Globalization.CultureInfo.InvariantCulture), lead[CrmFields.ProspectId]);

        var writeBack = Assert.Single(Worker.Editor.WriteBacksOf(id));
        Assert.Equal(request.SyncId, writeBack.SyncId);
        Assert.Equal(completed.CrmRecordId, writeBack.CrmRecordId);
        Assert.Equal(CrmObjectType.Lead, writeBack.CrmObjectType);
        Assert.DoesNotContain("lastName", writeBack.Fields.Keys);
        Assert.DoesNotContain("company", writeBack.Fields.Keys);
    }

    [Fact]
    public async Task TheCompletionNamesTheRevisionTheWorkerReadAndTheLastModifiedDateItsLookupRead()
    {
        var id = WorkerHost.NextProspectId();
        var lead = Worker.Crm.Seed(CrmObjectType.Lead, Fields(("Email", Email(id)), ("LastName", "Lovelace"), ("Company", "Engines")), lastModified: LongAgo);
        Worker.Editor.Add(id, Email(id), Fields(("firstName", "Ada")));
        Worker.Editor.Update(id, prospect => prospect with { Revision = 4 });

        var completed = await Worker.SyncOne(id);

        Assert.Equal((SyncOutcome.Synced, lead.Id), (completed.Outcome, completed.CrmRecordId));
        // What it read before its own write, which moved the record's LastModifiedDate on.
        Assert.Equal((4L, LongAgo), (completed.ProspectRevisionRead, completed.CrmLastModifiedDateRead));
        Assert.Equal("Ada", Worker.Crm.Get(lead.Id!)!["FirstName"]);
        Assert.NotEqual(LongAgo, completed.CrmLastModifiedDate);
    }

    [Fact]
    public async Task TheCompletionOfANewLeadNamesNoLastModifiedDateRead()
    {
        var id = WorkerHost.NextProspectId();
        Worker.Editor.Add(id, Email(id), Fields(("firstName", "Ada")));

        var completed = await Worker.SyncOne(id);

        Assert.Equal((SyncOutcome.Synced, 1L, (DateTimeOffset?)null), (completed.Outcome, completed.ProspectRevisionRead, completed.CrmLastModifiedDateRead));
    }

    [Fact]
    public async Task TheRecordTheProspectIsSyncedWithComesBeforeAnyEmailMatch()
    {
        var id = WorkerHost.NextProspectId();
        var lead = Worker.Crm.Seed(CrmObjectType.Lead, Fields(("Email", "someone-else@example.test"), ("LastName", "Lovelace"), ("Company", "Engines")));
        Worker.Crm.Seed(CrmObjectType.Contact, Fields(("Email", Email(id)), ("LastName", "Other")));
        Worker.Editor.Add(id, Email(id), crmRecordId: lead.Id, crmObjectType: CrmObjectType.Lead);

        var completed = await Worker.SyncOne(id);

        Assert.Equal(SyncOutcome.Synced, completed.Outcome);
        Assert.Equal(lead.Id, completed.CrmRecordId);
        Assert.Equal(CrmObjectType.Lead, completed.CrmObjectType);
    }

    [Fact]
    public async Task ByEmailAContactComesBeforeALead()
    {
        var id = WorkerHost.NextProspectId();
        Worker.Crm.Seed(CrmObjectType.Lead, Fields(("Email", Email(id)), ("LastName", "Lead"), ("Company", "Engines")), lastModified: DateTimeOffset.UtcNow);
        var contact = Worker.Crm.Seed(CrmObjectType.Contact, Fields(("Email", Email(id)), ("LastName", "Contact")), lastModified: LongAgo);
        Worker.Editor.Add(id, Email(id));

        var completed = await Worker.SyncOne(id);

        Assert.Equal(contact.Id, completed.CrmRecordId);
        Assert.Equal(CrmObjectType.Contact, completed.CrmObjectType);
        Assert.Equal(contact.Id, Assert.Single(Worker.Editor.WriteBacksOf(id)).CrmRecordId);
        Assert.Equal(id.ToString(System.Globalization.CultureInfo.InvariantCulture), Worker.Crm.Get(contact.Id!)![CrmFields.ProspectId]);
    }

    [Fact]
    public async Task AmongSeveralRecordsWithTheEmailTheMostRecentlyModifiedIsChosenAndNamed()
    {
        var id = WorkerHost.NextProspectId();
        Worker.Crm.Seed(CrmObjectType.Contact, Fields(("Email", Email(id)), ("LastName", "Older")), lastModified: LongAgo);
        var newer = Worker.Crm.Seed(CrmObjectType.Contact, Fields(("Email", Email(id)), ("LastName", "Newer")), lastModified: LongAgo.AddDays(1));
        var tiedHigherId = Worker.Crm.Seed(CrmObjectType.Contact, Fields(("Email", Email(id)), ("LastName", "Tied")), lastModified: LongAgo.AddDays(1));
        Worker.Editor.Add(id, Email(id));

        var completed = await Worker.SyncOne(id);

        Assert.Equal(newer.Id, completed.CrmRecordId);
        Assert.NotEqual(tiedHigherId.Id, completed.CrmRecordId);
        Assert.Contains("most recently modified of 3 Contacts", completed.Detail);
    }

    [Fact]
    public async Task ALeadConvertedInTheCrmIsFollowedToItsContactNotDuplicated()
    {
        var id = WorkerHost.NextProspectId();
        Worker.Editor.Add(id, Email(id), Fields(("lastName", "Hopper"), ("company", "Navy")));
        var first = await Worker.SyncOne(id);
        var contact = Worker.Crm.Convert(first.CrmRecordId!, contactEmail: $"work-{id}@example.test");
        Worker.Editor.Update(id, prospect => prospect with { Fields = Fields(("lastName", "Hopper"), ("company", "Navy"), ("title", "Admiral")), UpdatedAt = DateTimeOffset.UtcNow });

        var second = await Worker.SyncOne(id);

        Assert.Equal(SyncOutcome.Synced, second.Outcome);
        Assert.Equal(contact.Id, second.CrmRecordId);
        Assert.Equal(CrmObjectType.Contact, second.CrmObjectType);
        Assert.Equal("Admiral", Worker.Crm.Get(contact.Id!)!["Title"]);
        Assert.Single(Worker.Crm.WithEmail(Email(id)), record => record.Type == CrmObjectType.Lead);
        Assert.Equal(contact.Id, Worker.Editor.Get(id).CrmRecordId);
        Assert.Equal(CrmObjectType.Contact, Worker.Editor.Get(id).CrmObjectType);
    }

    [Fact]
    public async Task AConvertedLeadWithNoContactToFollowIsNeverUpdated()
    {
        var id = WorkerHost.NextProspectId();
        var lead = Worker.Crm.Seed(CrmObjectType.Lead, Fields(("Email", Email(id)), ("LastName", "Lead"), ("Company", "Co"), (CrmFields.IsConverted, "true")));
        Worker.Editor.Add(id, Email(id), Fields(("lastName", "Changed"), ("company", "Co")), crmRecordId: lead.Id, crmObjectType: CrmObjectType.Lead);
        var writes = Worker.Crm.WriteCalls;

        var completed = await Worker.SyncOne(id);

        Assert.Equal(SyncOutcome.Failed, completed.Outcome);
        Assert.Contains("CANNOT_UPDATE_CONVERTED_LEAD", completed.Detail);
        Assert.Equal(writes, Worker.Crm.WriteCalls);
        Assert.Equal("Lead", Worker.Crm.Get(lead.Id!)!["LastName"]);
        Assert.Contains(await ErrorList(), entry => entry.ProspectId == id && entry.ErrorCode == "CANNOT_UPDATE_CONVERTED_LEAD");
    }

    [Fact]
    public async Task AProspectWhoseCrmRecordWasDeletedIsFlaggedAndNotRecreated()
    {
        var id = WorkerHost.NextProspectId();
        Worker.Editor.Add(id, Email(id), Fields(("lastName", "Turing"), ("company", "Bletchley")));
        var first = await Worker.SyncOne(id);
        Worker.Crm.Delete(first.CrmRecordId!);

        var afterDelete = await Worker.SyncOne(id);
        var again = await Worker.SyncOne(id);

        Assert.Equal(SyncOutcome.CrmRecordDeleted, afterDelete.Outcome);
        Assert.Equal(SyncOutcome.CrmRecordDeleted, again.Outcome);
        Assert.True(Worker.Editor.Get(id).CrmDeleted);
        Assert.Empty(Worker.Crm.WithEmail(Email(id)));
        Assert.Single(Worker.Editor.WriteBacksOf(id), write => write.CrmDeleted == true);
    }

    [Fact]
    public async Task UseCrmValueKeepsTheCrmsValueAndWritesItBack()
    {
        var (id, contact) = SeedSyncedContact(Fields(("Title", "CTO")), Fields(("title", "Engineer")), prospectNewer: true);

        await Worker.SyncOne(id);

        Assert.Equal("CTO", Worker.Crm.Get(contact)!["Title"]);
        Assert.Equal("CTO", Worker.Editor.Get(id).Fields["title"]);
    }

    [Fact]
    public async Task UseMarketingValueWritesTheProspectsValueToTheCrm()
    {
        var (id, contact) = SeedSyncedContact(Fields(("Phone", "+1 555 0100")), Fields(("phone", "+44 20 7946 0000")), prospectNewer: false);

        await Worker.SyncOne(id);

        Assert.Equal("+44 20 7946 0000", Worker.Crm.Get(contact)!["Phone"]);
        Assert.Equal("+44 20 7946 0000", Worker.Editor.Get(id).Fields["phone"]);
        Assert.DoesNotContain(Worker.Editor.WriteBacksOf(id), write => write.Fields.ContainsKey("phone"));
    }

    [Fact]
    public async Task UseMostRecentlyUpdatedTakesTheProspectsValueWhenTheProspectChangedLast()
    {
        var (id, contact) = SeedSyncedContact(Fields(("MailingCity", "Boston")), Fields(("city", "Paris")), prospectNewer: true);

        await Worker.SyncOne(id);

        Assert.Equal("Paris", Worker.Crm.Get(contact)!["MailingCity"]);
        Assert.Equal("Paris", Worker.Editor.Get(id).Fields["city"]);
    }

    [Fact]
    public async Task UseMostRecentlyUpdatedTakesTheCrmsValueWhenTheRecordChangedLast()
    {
        var (id, contact) = SeedSyncedContact(Fields(("MailingCity", "Boston"), ("OwnerId", "005000000000042")),
            Fields(("city", "Paris")), prospectNewer: false, assignedUser: "005000000000007");

        await Worker.SyncOne(id);

        Assert.Equal("Boston", Worker.Crm.Get(contact)!["MailingCity"]);
        Assert.Equal("Boston", Worker.Editor.Get(id).Fields["city"]);
        Assert.Equal("005000000000042", Worker.Editor.Get(id).AssignedUser);
        Assert.Equal("005000000000042", Worker.Crm.Get(contact)!["OwnerId"]);
    }

    [Fact]
    public async Task ABlankNeverOverwritesAValueInEitherDirection()
    {
        // title wins from the CRM, phone from the prospect: each is blank on the winning side.
        var (id, contact) = SeedSyncedContact(Fields(("Phone", "+1 555 0100"), ("Title", "")), Fields(("title", "Engineer"), ("phone", "")),
            prospectNewer: true);

        await Worker.SyncOne(id);

        Assert.Equal("+1 555 0100", Worker.Crm.Get(contact)!["Phone"]);
        Assert.Equal("Engineer", Worker.Crm.Get(contact)!["Title"]);
        Assert.Equal("+1 555 0100", Worker.Editor.Get(id).Fields["phone"]);
        Assert.Equal("Engineer", Worker.Editor.Get(id).Fields["title"]);
    }

    [Fact]
    public async Task AConfiguredCustomFieldSyncsLikeAStandardOne()
    {
        var (id, contact) = SeedSyncedContact(Fields(), Fields(("industry", "Aerospace")), prospectNewer: true);

        await Worker.SyncOne(id);

        Assert.Equal("Aerospace", Worker.Crm.Get(contact)!["Industry"]);
    }

    [Fact]
    public async Task DoNotSyncSetBeforeTheWriteWritesNothing()
    {
        var id = WorkerHost.NextProspectId();
        Worker.Editor.Add(id, Email(id), Fields(("lastName", "Quiet")), doNotSync: true);

        var completed = await Worker.SyncOne(id);

        Assert.Equal(SyncOutcome.SkippedDoNotSync, completed.Outcome);
        Assert.Empty(Worker.Crm.WithEmail(Email(id)));
        Assert.Empty(Worker.Editor.WriteBacksOf(id));
    }

    [Fact]
    public async Task ARedeliveredOrReissuedRequestWritesTheCrmOnceAndReportsAgain()
    {
        var id = WorkerHost.NextProspectId();
        Worker.Editor.Add(id, Email(id), Fields(("lastName", "Twice"), ("company", "Echo")));
        var request = WorkerHost.Request(id, version: 5);
        var sameBatch = request with { EventId = Guid.NewGuid(), Issue = 2 };

        await Worker.Publish(request, sameBatch);
        await Eventually.True(() => Worker.Recorded.Completions.TryGetValue(request.SyncId, out var reported) && reported.Count == 2,
            "both copies to be reported");
        await Worker.Publish(request with { EventId = Guid.NewGuid(), Issue = 3 });
        await Eventually.True(() => Worker.Recorded.Completions[request.SyncId].Count == 3, "the re-issue to be reported");

        Assert.Single(Worker.Crm.WithEmail(Email(id)));
        Assert.Single(Worker.Editor.WriteBacksOf(id));
        Assert.All(Worker.Recorded.Completions[request.SyncId], completed =>
        {
            Assert.Equal(SyncOutcome.Synced, completed.Outcome);
            Assert.Equal(5, completed.Version);
        });
        Assert.Single(Worker.Recorded.Completions[request.SyncId].Select(completed => completed.CrmRecordId).Distinct());
    }

    [Fact]
    public async Task ARecordTheCrmRefusesFailsAloneGoesToTheErrorListAndClearsWhenARetrySucceeds()
    {
        var bad = WorkerHost.NextProspectId();
        var good = WorkerHost.NextProspectId();
        Worker.Editor.Add(bad, Email(bad), Fields(("lastName", "Bad"), ("company", "Co"), ("title", "REJECT")));
        Worker.Editor.Add(good, Email(good), Fields(("lastName", "Good"), ("company", "Co")));
        Worker.Crm.Validate = record => record["Title"] == "REJECT"
            ? new CrmError("FIELD_CUSTOM_VALIDATION_EXCEPTION", "Title is not allowed", ["Title"])
            : null;

        var results = await Worker.Sync(WorkerHost.Request(bad), WorkerHost.Request(good));

        Assert.Equal(SyncOutcome.Failed, results[0].Outcome);
        Assert.Contains("FIELD_CUSTOM_VALIDATION_EXCEPTION", results[0].Detail);
        Assert.Equal(SyncOutcome.Synced, results[1].Outcome);
        var entry = Assert.Single(await ErrorList(), entry => entry.ProspectId == bad);
        Assert.Equal("FIELD_CUSTOM_VALIDATION_EXCEPTION", entry.ErrorCode);
        Assert.Equal("Title is not allowed", entry.Message);
        Assert.Equal(["Title"], entry.Fields);
        Assert.Equal(1, entry.Attempts);
        Assert.DoesNotContain(await ErrorList(), entry => entry.ProspectId == good);

        var retry = await Worker.Api.PostAsync($"sync/errors/{bad}/retry", null);
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        await Eventually.True(() => Worker.Recorded.Forced.Any(forced => forced.ProspectId == bad), "the retry to ask the evaluator for a sync");
        Assert.NotNull(Assert.Single(await ErrorList(), entry => entry.ProspectId == bad).RetryRequestedAt);

        // The evaluator answers with a new SyncRequested; by then an operator fixed the record.
        Worker.Editor.Update(bad, prospect => prospect with { Fields = Fields(("lastName", "Bad"), ("company", "Co"), ("title", "Fixed")) });
        Assert.Equal(SyncOutcome.Synced, (await Worker.SyncOne(bad)).Outcome);
        Assert.DoesNotContain(await ErrorList(), entry => entry.ProspectId == bad);
        Worker.Crm.Validate = null;
    }

    [Fact]
    public async Task RecordTheCrmCouldNotLockIsSyncedAgainLaterInsteadOfFailing()
    {
        var locked = WorkerHost.NextProspectId();
        var other = WorkerHost.NextProspectId();
        Worker.Editor.Add(locked, Email(locked), Fields(("lastName", "Locked"), ("company", "Co")));
        Worker.Editor.Add(other, Email(other), Fields(("lastName", "Other"), ("company", "Co")));
        var refusals = 0;
        // A sales rep saves the same record at that moment: Salesforce answers UNABLE_TO_LOCK_ROW for it alone.
        Worker.Crm.Validate = record => record["LastName"] == "Locked" && Interlocked.Increment(ref refusals) == 1
            ? new CrmError("UNABLE_TO_LOCK_ROW", "unable to obtain exclusive access to this record", [])
            : null;

        var results = await Worker.Sync(WorkerHost.Request(locked), WorkerHost.Request(other));

        Assert.Equal(SyncOutcome.Synced, results[0].Outcome);
        Assert.Equal(SyncOutcome.Synced, results[1].Outcome);
        Assert.Equal(2, Volatile.Read(ref refusals));
        Assert.DoesNotContain(await ErrorList(), entry => entry.ProspectId == locked);
        Worker.Crm.Validate = null;
    }

    [Fact]
    public async Task RetryingAProspectNotOnTheErrorListIsNotFound()
    {
        var response = await Worker.Api.PostAsync($"sync/errors/{WorkerHost.NextProspectId()}/retry", null);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task SyncNowAsksTheEvaluatorInsteadOfWritingTheSyncState()
    {
        var id = WorkerHost.NextProspectId();

        var response = await Worker.Api.PostAsync($"sync/prospects/{id}", null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await Eventually.True(() => Worker.Recorded.Forced.Any(forced => forced.ProspectId == id), "a ProspectSyncForced for the prospect");
    }

    [Fact]
    public async Task OperatorEndpointsRequireTheApiKey()
    {
        using var anonymous = new HttpClient { BaseAddress = Worker.Host.Address };

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("sync/status")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("sync/pause", null)).StatusCode);
    }

    private (long ProspectId, string ContactId) SeedSyncedContact(
        Dictionary<string, string?> crmFields, Dictionary<string, string?> prospectFields, bool prospectNewer, string? assignedUser = null)
    {
        var id = WorkerHost.NextProspectId();
        crmFields["Email"] = Email(id);
        crmFields["LastName"] = "Synced";
        var modified = new DateTimeOffset(2024, 6, 1, 0, 0, 0, TimeSpan.Zero);
        var contact = Worker.Crm.Seed(CrmObjectType.Contact, crmFields, lastModified: modified);
        Worker.Editor.Add(id, Email(id), prospectFields, updatedAt: prospectNewer ? modified.AddHours(1) : modified.AddHours(-1),
            assignedUser: assignedUser, crmRecordId: contact.Id, crmObjectType: CrmObjectType.Contact);
        return (id, contact.Id!);
    }

    protected async Task<IReadOnlyList<SyncErrorEntry>> ErrorList() =>
        (await Worker.Api.GetFromJsonAsync<List<SyncErrorEntry>>("sync/errors", Json.Options))!;
}
