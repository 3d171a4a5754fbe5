using System.Globalization;
using Sync.Clients.Crm;
using Sync.Clients.ProspectEditor;
using Sync.Contracts;
using Sync.SyncWorker.Matching;
using Sync.Testing;

namespace Sync.SyncWorker.Tests.Matching;

/// <summary>The matching order, pure: the known record, a converted Lead's Contact, a Contact by e-mail, a Lead by e-mail, a new Lead.</summary>
[FastLane]
public sealed class CrmRecordMatcherTests
{
    private const string Email = "grace@example.test";
    private static readonly DateTimeOffset Day = new(2025, 2, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ARecordDeletedInTheCrmIsNeverReplacedByAnEmailMatch()
    {
        var index = Index(new CrmLookupResult { Contacts = [Record(CrmObjectType.Contact, "003A", Day)], MissingIds = ["00QGONE"] });

        var match = CrmRecordMatcher.Match(Prospect("00QGONE", CrmObjectType.Lead), index, out _);

        Assert.Equal(CrmMatchKind.Deleted, match!.Kind);
    }

    [Fact]
    public void AConvertedLeadWhoseContactWasNotLookedUpAsksForIt()
    {
        var lead = Record(CrmObjectType.Lead, "00QA", Day, ("IsConverted", "true"), ("ConvertedContactId", "003B"));
        var index = Index(new CrmLookupResult { Leads = [lead] });

        var match = CrmRecordMatcher.Match(Prospect("00QA", CrmObjectType.Lead), index, out var contactToFetch);
        index.Add(new CrmLookupResult { Contacts = [Record(CrmObjectType.Contact, "003B", Day, ("Email", "other@example.test"))] });
        var followed = CrmRecordMatcher.Match(Prospect("00QA", CrmObjectType.Lead), index, out _);

        Assert.Null(match);
        Assert.Equal("003B", contactToFetch);
        Assert.Equal(CrmMatchKind.ConvertedLead, followed!.Kind);
        Assert.Equal("003B", followed.Record!.Id);
    }

    [Fact]
    public void OnlyConvertedLeadsWithTheAddressLeadToTheirContact()
    {
        var lead = Record(CrmObjectType.Lead, "00QA", Day, ("IsConverted", "true"), ("ConvertedContactId", "003B"));
        var contact = Record(CrmObjectType.Contact, "003B", Day, ("Email", "work@example.test"));

        var match = CrmRecordMatcher.Match(Prospect(), Index(new CrmLookupResult { Leads = [lead], Contacts = [contact] }), out _);

        Assert.Equal(CrmMatchKind.ConvertedLead, match!.Kind);
        Assert.Equal("003B", match.Record!.Id);
    }

    [Fact]
    public void AmongEquallyRecentRecordsTheLowestIdIsChosen()
    {
        var index = Index(new CrmLookupResult { Leads = [Record(CrmObjectType.Lead, "00QB", Day), Record(CrmObjectType.Lead, "00QA", Day)] });

        var match = CrmRecordMatcher.Match(Prospect(), index, out _);

        Assert.Equal("00QA", match!.Record!.Id);
        Assert.Contains("most recently modified of 2 Leads", match.Description);
        Assert.DoesNotContain(Email, match.Description);
    }

    [Fact]
    public void NothingWithTheAddressMeansANewLead()
    {
        var match = CrmRecordMatcher.Match(Prospect(), Index(new CrmLookupResult()), out _);

        Assert.Equal(CrmMatchKind.NewLead, match!.Kind);
        Assert.Null(match.Record);
    }

    [Fact]
    public void ARecordAnotherProspectIsSyncedWithIsNeverTakenByEmail()
    {
        var others = Record(CrmObjectType.Contact, "003OTHER", Day.AddDays(1), ("ProspectId__c", "2"));
        var own = Record(CrmObjectType.Lead, "00QOWN", Day, ("ProspectId__c", "1"));

        var match = CrmRecordMatcher.Match(Prospect(), Index(new CrmLookupResult { Contacts = [others], Leads = [own] }), out _);
        var alone = CrmRecordMatcher.Match(Prospect(), Index(new CrmLookupResult { Contacts = [others] }), out _);

        Assert.Equal(("00QOWN", CrmMatchKind.ByEmail), (match!.Record!.Id, match.Kind));
        Assert.Equal(CrmMatchKind.NewLead, alone!.Kind);
    }

    [Fact]
    public void AConvertedLeadFoundByEmailWhoseContactWasDeletedMeansANewLeadNotADeletedRecord()
    {
        var lead = Record(CrmObjectType.Lead, "00QA", Day, ("IsConverted", "true"), ("ConvertedContactId", "003GONE"));
        var index = Index(new CrmLookupResult { Leads = [lead], MissingIds = ["003GONE"] });

        var byEmail = CrmRecordMatcher.Match(Prospect(), index, out _);
        var own = CrmRecordMatcher.Match(Prospect("00QA", CrmObjectType.Lead), index, out _);

        Assert.Equal((CrmMatchKind.NewLead, null), (byEmail!.Kind, byEmail.Record));
        Assert.Contains("Contact 003GONE was deleted", byEmail.Description);
        Assert.Equal(CrmMatchKind.Deleted, own!.Kind);
    }

    private static CrmLookupIndex Index(CrmLookupResult result)
    {
        var index = new CrmLookupIndex();
        index.Add(result);
        return index;
    }

    private static CrmRecord Record(CrmObjectType type, string id, DateTimeOffset modified, params (string Name, string? Value)[] fields)
    {
        var all = new Dictionary<string, string?> { ["Email"] = Email, ["LastModifiedDate"] = modified.ToString("O", CultureInfo.InvariantCulture) };
        foreach (var (name, value) in fields)
            all[name] = value;
        return new CrmRecord { Id = id, Type = type, Fields = all };
    }

    private static ProspectDto Prospect(string? crmRecordId = null, CrmObjectType? type = null) => new()
    {
        Id = 1,
        Email = Email,
        CrmRecordId = crmRecordId,
        CrmObjectType = type,
        Revision = 1,
        CreatedAt = Day,
        UpdatedAt = Day,
    };
}
