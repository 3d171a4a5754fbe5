using System.Net;
using Sync.Clients.Crm;
using Sync.Contracts;
using Sync.CrmSimulator.Tests.Support;

namespace Sync.CrmSimulator.Tests;

/// <summary>The change feed: one entry per committed change, in order, replayable from a position, bounded by retention.</summary>
public sealed class ChangeFeedTests(ChangeFeedTests.Fixture fixture) : IClassFixture<ChangeFeedTests.Fixture>
{
    private SimulatorHost Crm => fixture.Crm;

    [Fact]
    public async Task EachCommittedChangeIsOneEntryWithWhatTheListenerNeeds()
    {
        var head = await Crm.Head();
        var email = SimulatorHost.NewEmail("feed");
        var id = await Crm.CreateContact("Feed", email, new { ProspectId__c = "9001" }, Crm.Integration);
        await Crm.Update("Contact", id, new { Title = "Reader", OwnerId = SimulatorHost.SalesUserId });
        (await Crm.Sales.DeleteAsync($"sobjects/Contact/{id}")).Dispose();

        var changes = await Crm.ChangesOf(id, head);

        Assert.Equal([CrmChangeTypes.Create, CrmChangeTypes.Update, CrmChangeTypes.Delete], changes.Select(change => change.ChangeType));
        Assert.All(changes, change =>
        {
            Assert.Equal(CrmObjectType.Contact, change.ObjectType);
            Assert.Equal(email, change.Email);
            Assert.Equal(9001, change.ProspectId);
            Assert.True(change.LastModifiedDateMoved);
            Assert.NotNull(change.LastModifiedDate);
        });
        Assert.Equal(SimulatorHost.IntegrationUserId, changes[0].CommitUser);
        Assert.Equal(SimulatorHost.SalesUserId, changes[1].CommitUser);
        Assert.Equal(["Title", "OwnerId"], changes[1].ChangedFields);
        Assert.Contains("LastName", changes[0].ChangedFields);
        var read = changes.Select(change => change.LastModifiedDate!.Value).ToList();
        Assert.Equal(read.Order(), read);
    }

    [Fact]
    public async Task PositionsAreConsecutiveAndAReaderResumesAfterItsPosition()
    {
        var start = await Crm.Head();
        var ids = new List<string>();
        for (var i = 0; i < 6; i++)
            ids.Add(await Crm.CreateLead($"Ordered{i}", SimulatorHost.NewEmail()));

        var firstPage = await Crm.Changes(start, limit: 4);
        var secondPage = await Crm.Changes(firstPage.Changes[^1].Position, limit: 4);

        var positions = firstPage.Changes.Concat(secondPage.Changes).Select(change => change.Position).ToList();
        Assert.Equal(Enumerable.Range(1, 6).Select(offset => start + offset), positions);
        Assert.Equal(ids, firstPage.Changes.Concat(secondPage.Changes).Select(change => change.RecordId));
        Assert.Equal(start + 6, secondPage.HeadPosition);
        Assert.Empty((await Crm.Changes(start + 6)).Changes);
    }

    [Fact]
    public async Task ConcurrentWritesEachGetExactlyOneEntry()
    {
        var start = await Crm.Head();
        var ids = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Crm.CreateContact($"Concurrent{i}", SimulatorHost.NewEmail())));
        var id = ids[0];
        await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Crm.Update("Contact", id, new { Title = $"Title {i}" })));

        var changes = (await Crm.Changes(start)).Changes;

        Assert.Equal(ids.Order(), changes.Where(change => change.ChangeType == CrmChangeTypes.Create).Select(change => change.RecordId).Order());
        var updates = changes.Where(change => change.RecordId == id && change.ChangeType == CrmChangeTypes.Update).ToList();
        Assert.Equal(10, updates.Count);
        Assert.Equal(updates.Count, updates.Select(change => change.LastModifiedDate).Distinct().Count());
        Assert.Equal(Enumerable.Range(1, changes.Count).Select(offset => start + offset), changes.Select(change => change.Position));
    }

    [Fact]
    public async Task APositionOlderThanRetentionIsAnExplicitError()
    {
        var start = await Crm.Head();
        for (var i = 0; i < Fixture.RetainedEntries + 3; i++)
            await Crm.CreateLead($"Retained{i}", SimulatorHost.NewEmail());
        var head = await Crm.Head();

        using var expired = await Crm.Sales.GetAsync($"changes?after={start}");

        var error = await SObjectApiTests.SingleError(expired, HttpStatusCode.Gone);
        Assert.Equal("REPLAY_ID_EXPIRED", error.GetProperty("errorCode").GetString());
        Assert.Equal(head - Fixture.RetainedEntries + 1, error.GetProperty("oldestPosition").GetInt64());
        Assert.Equal(Fixture.RetainedEntries, (await Crm.Changes(head - Fixture.RetainedEntries)).Changes.Count);
    }

    [Fact]
    public async Task APositionBeyondTheHeadIsRefused()
    {
        using var response = await Crm.Sales.GetAsync($"changes?after={await Crm.Head() + 1000}");

        Assert.Equal("INVALID_REPLAY_ID", (await SObjectApiTests.SingleError(response, HttpStatusCode.BadRequest)).GetProperty("errorCode").GetString());
    }

    [Fact]
    public async Task ReadingTheFeedIsNotCharged()
    {
        var before = (await Crm.AdminSend(HttpMethod.Get, "admin/state")).GetProperty("limits").GetProperty("used").GetInt32();

        await Crm.Changes(0, 10);
        await Crm.Changes(0, 10);

        Assert.Equal(before, (await Crm.AdminSend(HttpMethod.Get, "admin/state")).GetProperty("limits").GetProperty("used").GetInt32());
    }

    /// <summary>Its own simulator, keeping few feed entries so retention is reached quickly.</summary>
    public sealed class Fixture : SimulatorFixture
    {
        public const int RetainedEntries = 50;

        protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
        {
            ["CrmSimulator:Feed:RetainedEntries"] = RetainedEntries.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
    }
}
