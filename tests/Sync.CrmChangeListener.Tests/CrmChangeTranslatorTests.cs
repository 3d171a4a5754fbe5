using Sync.Clients.Crm;
using Sync.Contracts;
using Sync.CrmChangeListener.Feed;
using Sync.Testing;

namespace Sync.CrmChangeListener.Tests;

[FastLane]
public sealed class CrmChangeTranslatorTests
{
    private const string Integration = "005Sy0000000001IAA";
    private const string Sales = "005Sy0000000002IAA";
    private static readonly CrmObjectType[] Synced = [CrmObjectType.Lead, CrmObjectType.Contact];

    [Theory]
    [InlineData(CrmChangeTypes.Create, true, CrmChangeKind.Created)]
    [InlineData(CrmChangeTypes.Delete, true, CrmChangeKind.Deleted)]
    [InlineData(CrmChangeTypes.Undelete, true, CrmChangeKind.Updated)]
    [InlineData(CrmChangeTypes.Update, true, CrmChangeKind.Updated)]
    public void ChangesByPeopleArePublished(string changeType, bool moved, CrmChangeKind kind) =>
        Assert.Equal(FeedDecision.Publish(kind), CrmChangeTranslator.Decide(Change(changeType, moved, Sales, ["Title"]), Integration, Synced));

    [Fact]
    public void AnUpdateOfTheOwnerIsAnOwnerChange() =>
        Assert.Equal(FeedDecision.Publish(CrmChangeKind.OwnerChanged), CrmChangeTranslator.Decide(Change(CrmChangeTypes.Update, true, Sales, ["Title", "OwnerId"]), Integration, Synced));

    [Fact]
    public void AnUpdateThatLeftLastModifiedDateAloneIsSkipped() =>
        Assert.Equal(FeedDecision.Skipped(SkipReason.LastModifiedDateUnchanged), CrmChangeTranslator.Decide(Change(CrmChangeTypes.Update, false, Sales, ["Score_Band__c"]), Integration, Synced));

    [Theory]
    [InlineData(Integration)]
    [InlineData("005Sy0000000001")]
    [InlineData("005sy0000000001iaa")]
    public void TheSyncsOwnWritesAreSkippedHoweverItsUserIdIsWritten(string integrationUserId) =>
        Assert.Equal(FeedDecision.Skipped(SkipReason.SyncOwnWrite), CrmChangeTranslator.Decide(Change(CrmChangeTypes.Create, true, Integration, []), integrationUserId, Synced));

    [Fact]
    public void AccountChangesAreSkipped() =>
        Assert.Equal(FeedDecision.Skipped(SkipReason.ObjectNotSynced), CrmChangeTranslator.Decide(Change(CrmChangeTypes.Update, true, Sales, ["Rating"]) with { ObjectType = CrmObjectType.Account }, Integration, Synced));

    [Fact]
    public void TheEventCarriesTheChangeAndAnIdDerivedFromIt()
    {
        var change = Change(CrmChangeTypes.Update, true, Sales, ["Title"]);

        var published = CrmChangeTranslator.ToEvent(change, CrmChangeKind.Updated, 42);

        Assert.Equal(published.EventId, CrmChangeTranslator.ToEvent(change, CrmChangeKind.Updated, 42).EventId);
        Assert.NotEqual(published.EventId, CrmChangeTranslator.ToEvent(change with { Position = 8 }, CrmChangeKind.Updated, 42).EventId);
        Assert.NotEqual(published.EventId, CrmChangeTranslator.ToEvent(change with { CommitTimestamp = change.CommitTimestamp.AddSeconds(1) }, CrmChangeKind.Updated, 42).EventId);
        Assert.Equal(5, published.EventId.Version);
        Assert.Equal(42, published.ProspectId);
        Assert.Equal(change.CommitTimestamp, published.OccurredAt);
        Assert.Equal(change.LastModifiedDate, published.LastModifiedDate);
        Assert.Equal(7, published.FeedPosition);
        Assert.Equal(Sales, published.CommittedBy);
        Assert.Empty(ContractValidation.Problems(published));
    }

    [Fact]
    public void NameBasedIdsFollowRfc9562() =>
        // The RFC's own example: the DNS namespace and "www.example.com" give 2ed6657d-e927-568b-95e1-2665a8aea6a2.
        Assert.Equal(new Guid("2ed6657d-e927-568b-95e1-2665a8aea6a2"), FeedEventIds.NameBased(new Guid("6ba7b810-9dad-11d1-80b4-00c04fd430c8"), "www.example.com"));

    private static CrmChange Change(string changeType, bool moved, string user, IReadOnlyList<string> fields) => new()
    {
        Position = 7,
        ObjectType = CrmObjectType.Contact,
        RecordId = "003Sy0000000001IAA",
        ChangeType = changeType,
        ChangedFields = fields,
        CommitUser = user,
        CommitTimestamp = new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero),
        LastModifiedDate = new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero),
        LastModifiedDateMoved = moved,
        Email = "someone@example.com",
    };
}
