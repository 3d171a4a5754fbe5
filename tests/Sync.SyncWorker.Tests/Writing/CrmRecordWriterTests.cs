using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Sync.Clients.Crm;
using Sync.Contracts;
using Sync.SyncWorker.Batches;
using Sync.SyncWorker.Matching;
using Sync.SyncWorker.Writing;
using Sync.SyncWorker.Tests.Fakes;
using Sync.Testing;
using static Sync.SyncWorker.Tests.Fakes.StageInputs;

namespace Sync.SyncWorker.Tests.Writing;

/// <summary>The writing and settling stage against the fake CRM: one write call, and each prospect settled by the CRM's answer for its record.</summary>
[FastLane]
public sealed class CrmRecordWriterTests
{
    private readonly FakeCrm _crm = new();
    private readonly CrmRecordWriter _writer = new(Merger(), NullLogger<CrmRecordWriter>.Instance);

    [Fact]
    public async Task EachProspectIsSettledByTheCrmsAnswerForItsOwnRecord()
    {
        var kept = _crm.Seed(CrmObjectType.Lead, SeedValues.Fields(("LastName", "Kept")));
        var deleted = _crm.Seed(CrmObjectType.Lead, SeedValues.Fields(("LastName", "Gone")));
        _crm.Delete(deleted.Id!);
        _crm.Validate = record => record["Title"] == "too long" ? new CrmError("STRING_TOO_LONG", "Title: data value too large", ["Title"]) : null;
        var created = Creating(1, "Created");
        var refused = Creating(2, "Refused", ("Title", "too long"));
        var updated = Updating(3, kept);
        var gone = Updating(4, deleted);

        await _writer.Write([created, refused, updated, gone], _crm, CancellationToken.None);

        Assert.Equal(1, _crm.WriteCalls);
        Assert.Equal((SyncOutcome.Synced, "created Lead"), (created.Result!.Outcome, created.Result.Detail[..12]));
        Assert.Equal(("STRING_TOO_LONG", SyncOutcome.Failed), (refused.Error!.ErrorCode, refused.Result!.Outcome));
        Assert.Equal((SyncOutcome.Synced, kept.Id), (updated.Result!.Outcome, updated.Result.RecordId));
        Assert.Equal(SyncOutcome.CrmRecordDeleted, gone.Result!.Outcome);
    }

    [Fact]
    public async Task AWriteTheCrmRefusesWholeFailsItsRecordsWithTheCrmsReason()
    {
        _crm.RefuseNextWrite = new CrmRequestException("JSON_PARSER_ERROR", [new CrmError("JSON_PARSER_ERROR", "Unexpected character", [])], HttpStatusCode.BadRequest);
        var created = Creating(1, "Lovelace");

        await _writer.Write([created], _crm, CancellationToken.None);

        Assert.Equal(("JSON_PARSER_ERROR", SyncOutcome.Failed), (created.Error!.ErrorCode, created.Result!.Outcome));
    }

    [Fact]
    public async Task CredentialsTheCrmRefusesAreLeftToTheBatchToRetry()
    {
        _crm.RefuseEveryCall = new CrmRequestException("Session expired or invalid", [], HttpStatusCode.Unauthorized);

        await Assert.ThrowsAsync<CrmRequestException>(() => _writer.Write([Creating(1, "Lovelace")], _crm, CancellationToken.None));
    }

    [Fact]
    public async Task AProspectThatNeedsNoWriteCostsNoCall()
    {
        var unchanged = InBatch(1, Prospect(1));
        unchanged.Result = new ProspectResult(SyncOutcome.Synced, CrmObjectType.Lead, "00QA", null, "matched");

        await _writer.Write([unchanged], _crm, CancellationToken.None);

        Assert.Equal(0, _crm.ChargedCalls);
    }

    private static ProspectSync Creating(long id, string lastName, params (string Name, string? Value)[] fields)
    {
        var prospect = InBatch(id, Prospect(id));
        prospect.Match = new CrmMatch(CrmMatchKind.NewLead, null, "new Lead");
        prospect.Create = new CrmRecord
        {
            Type = CrmObjectType.Lead,
            Fields = new Dictionary<string, string?>(SeedValues.Fields(fields)) { ["LastName"] = lastName, ["Company"] = "Analytical Engines" },
        };
        return prospect;
    }

    private static ProspectSync Updating(long id, CrmRecord record)
    {
        var prospect = InBatch(id, Prospect(id, crmRecordId: record.Id, crmObjectType: record.Type));
        prospect.Match = new CrmMatch(CrmMatchKind.ById, record, $"Lead {record.Id}");
        prospect.Update = new CrmRecord { Id = record.Id, Type = record.Type, Fields = SeedValues.Fields(("Title", "Engineer")) };
        return prospect;
    }
}
