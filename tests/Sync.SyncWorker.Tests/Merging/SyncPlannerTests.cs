using Sync.Clients.Crm;
using Sync.Contracts;
using Sync.SyncWorker.Batches;
using Sync.SyncWorker.Matching;
using Sync.SyncWorker.Merging;
using Sync.SyncWorker.Options;
using Sync.SyncWorker.Storage.MergeBases;
using Sync.SyncWorker.Tests.Fakes;
using Sync.Testing;
using static Sync.SyncWorker.Tests.Fakes.StageInputs;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace Sync.SyncWorker.Tests.Merging;

/// <summary>The planning and merging stage, pure: what each matched prospect writes to the CRM, and who may write a record.</summary>
[FastLane]
public sealed class SyncPlannerTests
{
    private static readonly Dictionary<long, MergeBase> NoBases = [];
    private readonly SyncPlanner _planner = new(Merger(), MsOptions.Create(new FieldMappingOptions()));

    [Fact]
    public void AProspectWithoutARecordIsPlannedAsANewLeadWithThePlaceholdersTheCrmRequires()
    {
        var prospect = Matched(InBatch(1, Prospect(1, SeedValues.Fields(("firstName", "Ada")))), new CrmMatch(CrmMatchKind.NewLead, null, "new Lead"));

        _planner.Plan([prospect], NoBases);

        Assert.Null(prospect.Result);
        Assert.Equal(CrmObjectType.Lead, prospect.Create!.Type);
        Assert.Equal(("Ada", "[not provided]", "[not provided]", "1"),
            (prospect.Create["FirstName"], prospect.Create["LastName"], prospect.Create["Company"], prospect.Create[CrmFields.ProspectId]));
    }

    [Fact]
    public void TheProspectARecordBelongsToTakesItBeforeAnotherProspectFoundItByEmail()
    {
        var record = Record("00QA", ("ProspectId__c", "2"), ("Email", SeedValues.Email(1)));
        var byEmail = Matched(InBatch(1, Prospect(1)), new CrmMatch(CrmMatchKind.ByEmail, record, "by e-mail"));
        var own = Matched(InBatch(2, Prospect(2, crmRecordId: "00QA", crmObjectType: CrmObjectType.Lead)), new CrmMatch(CrmMatchKind.ById, record, "its own"));

        _planner.Plan([byEmail, own], NoBases);

        Assert.Equal(("DUPLICATE_MATCH", SyncOutcome.Failed), (byEmail.Error!.ErrorCode, byEmail.Result!.Outcome));
        Assert.Null(own.Error);
    }

    [Fact]
    public void ARecordThatAlreadyHoldsTheProspectsValuesIsSyncedWithoutAWrite()
    {
        var record = Record("00QA", ("ProspectId__c", "1"), ("Email", SeedValues.Email(1)), ("FirstName", "Ada"));
        var prospect = Matched(InBatch(1, Prospect(1, SeedValues.Fields(("firstName", "Ada")), "00QA", CrmObjectType.Lead)), new CrmMatch(CrmMatchKind.ById, record, "its own"));

        _planner.Plan([prospect], NoBases);

        Assert.Null(prospect.Update);
        Assert.Equal(SyncOutcome.Synced, prospect.Result!.Outcome);
    }

    [Fact]
    public void AnUpdateNamesTheLastModifiedDateTheLookupRead()
    {
        var record = Record("00QA", ("ProspectId__c", "1"), ("Email", SeedValues.Email(1)));
        var prospect = Matched(InBatch(1, Prospect(1, SeedValues.Fields(("firstName", "Ada")), "00QA", CrmObjectType.Lead)), new CrmMatch(CrmMatchKind.ById, record, "its own"));

        _planner.Plan([prospect], NoBases);

        Assert.Equal("Ada", prospect.Update!["FirstName"]);
        Assert.Equal(record.LastModifiedDate, prospect.Update.IfUnmodifiedSince);
    }

    [Fact]
    public void AMergeBaseAgreedWithAnotherRecordIsNotMergedAgainst()
    {
        // The base says both sides agreed on "Old" with another record: against it, only the CRM changed the field.
        var record = Record("00QB", ("ProspectId__c", "1"), ("Email", SeedValues.Email(1)), ("City", "Paris"));
        var prospect = Matched(InBatch(1, Prospect(1, SeedValues.Fields(("city", "Old")), "00QB", CrmObjectType.Lead, updatedAt: Earlier.AddDays(2))),
            new CrmMatch(CrmMatchKind.ById, record, "its own"));
        var bases = new Dictionary<long, MergeBase> { [1] = new(1, "00QA", new Dictionary<string, string?> { ["city"] = "Old" }, Earlier) };

        _planner.Plan([prospect], bases);

        // Without a base the record dates decide: the prospect changed last, so its value goes to the CRM.
        Assert.Equal("Old", prospect.Update!["City"]);
    }

    private static ProspectSync Matched(ProspectSync prospect, CrmMatch match)
    {
        prospect.Match = match;
        return prospect;
    }

    private static CrmRecord Record(string id, params (string Name, string? Value)[] fields) => new()
    {
        Id = id,
        Type = CrmObjectType.Lead,
        Fields = new Dictionary<string, string?>(SeedValues.Fields(fields)) { [CrmFields.Id] = id, [CrmFields.LastModifiedDate] = Earlier.AddDays(1).ToString("O") },
    };
}
