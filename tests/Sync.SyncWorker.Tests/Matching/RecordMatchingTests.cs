using Sync.Contracts;
using Sync.SyncWorker.Batches;
using Sync.SyncWorker.Matching;
using Sync.SyncWorker.Tests.Fakes;
using Sync.Testing;
using static Sync.SyncWorker.Tests.Fakes.StageInputs;

namespace Sync.SyncWorker.Tests.Matching;

/// <summary>The matching stage against the fake CRM: one lookup for a whole batch, a second only for a converted Lead's other address.</summary>
[FastLane]
public sealed class RecordMatchingTests
{
    private readonly FakeCrm _crm = new();

    [Fact]
    public async Task ABatchFindsEveryRecordByIdAndByEmailInOneLookup()
    {
        var known = _crm.Seed(CrmObjectType.Lead, SeedValues.Fields(("Email", "before@example.test")));
        var byEmail = _crm.Seed(CrmObjectType.Contact, SeedValues.Fields(("Email", SeedValues.Email(2))));
        var prospects = new List<ProspectSync>
        {
            InBatch(1, Prospect(1, crmRecordId: known.Id, crmObjectType: CrmObjectType.Lead)),
            InBatch(2, Prospect(2)),
            InBatch(3, Prospect(3)),
        };

        await new RecordMatching().Match(prospects, _crm, CancellationToken.None);

        Assert.Equal(1, _crm.LookupCalls);
        Assert.Equal((CrmMatchKind.ById, known.Id), (prospects[0].Match!.Kind, prospects[0].Match!.Record!.Id));
        Assert.Equal((CrmMatchKind.ByEmail, byEmail.Id), (prospects[1].Match!.Kind, prospects[1].Match!.Record!.Id));
        Assert.Equal(CrmMatchKind.NewLead, prospects[2].Match!.Kind);
    }

    [Fact]
    public async Task AConvertedLeadWhoseContactCarriesAnotherAddressCostsASecondLookup()
    {
        var lead = _crm.Seed(CrmObjectType.Lead, SeedValues.Fields(("Email", SeedValues.Email(1)), ("LastName", "Hopper"), ("Company", "Navy")));
        var contact = _crm.Convert(lead.Id!, contactEmail: "grace@work.example.test");
        var prospects = new List<ProspectSync> { InBatch(1, Prospect(1, crmRecordId: lead.Id, crmObjectType: CrmObjectType.Lead)) };

        await new RecordMatching().Match(prospects, _crm, CancellationToken.None);

        Assert.Equal(2, _crm.LookupCalls);
        Assert.Equal((CrmMatchKind.ConvertedLead, contact.Id), (prospects[0].Match!.Kind, prospects[0].Match!.Record!.Id));
    }
}
