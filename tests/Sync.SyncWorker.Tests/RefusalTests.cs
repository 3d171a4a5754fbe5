using System.Net;
using System.Net.Http.Json;
using Sync.Clients.Crm;
using Sync.Contracts;
using Sync.SyncWorker.Storage;
using Sync.Testing;
using static Sync.SyncWorker.Tests.Fakes.SeedValues;

namespace Sync.SyncWorker.Tests;

/// <summary>
/// Refusals that concern part of a batch fail that part alone; refusals that concern the worker's own configuration fail
/// no prospect at all.
/// </summary>
public sealed class RefusalTests
{
    [Fact]
    public async Task AWriteTheCrmRefusesWholeFailsItsRecordsAndTheProspectsThatNeededNoWriteAreStillWrittenBack()
    {
        await using var worker = await WorkerHost.Start("worker-write-refused");
        var unchanged = WorkerHost.NextProspectId();
        worker.Crm.Seed(CrmObjectType.Lead, Fields(("Email", Email(unchanged)), ("LastName", "Lovelace"), ("Company", "Engines"), ("City", "London"),
            (CrmFields.ProspectId, unchanged.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        worker.Editor.Add(unchanged, Email(unchanged), Fields(("lastName", "Lovelace"), ("company", "Engines")));
        var created = WorkerHost.NextProspectId();
        worker.Editor.Add(created, Email(created), Fields(("lastName", "Babbage")));
        worker.Crm.RefuseNextWrite = new CrmRequestException("The CRM refused PATCH composite/sobjects: 400 JSON_PARSER_ERROR.",
            [new CrmError("JSON_PARSER_ERROR", "Unexpected character.", [])], HttpStatusCode.BadRequest);

        var completions = await worker.Sync(WorkerHost.Request(unchanged), WorkerHost.Request(created));

        Assert.Equal(SyncOutcome.Synced, completions[0].Outcome);
        Assert.Equal("London", Assert.Single(worker.Editor.WriteBacksOf(unchanged)).Fields["city"]);
        Assert.Equal(SyncOutcome.Failed, completions[1].Outcome);
        Assert.Empty(worker.Editor.WriteBacksOf(created));
        var entry = Assert.Single(await Errors(worker));
        Assert.Equal((created, "JSON_PARSER_ERROR"), (entry.ProspectId, entry.ErrorCode));
    }

    [Fact]
    public async Task AWriteBackProspectEditorRefusesFailsThatProspectAloneAndTheRestAreWrittenBack()
    {
        await using var worker = await WorkerHost.Start("worker-write-back-refused");
        var refused = WorkerHost.NextProspectId();
        var accepted = WorkerHost.NextProspectId();
        worker.Editor.Add(refused, Email(refused), Fields(("lastName", "Hopper")));
        worker.Editor.Add(accepted, Email(accepted), Fields(("lastName", "Lamarr")));
        worker.Editor.ValidateWriteBack = write => write.ProspectId == refused ? ("Company", "At most 4000 characters.") : null;

        var completions = await worker.Sync(WorkerHost.Request(refused), WorkerHost.Request(accepted));

        Assert.Equal(SyncOutcome.Failed, completions[0].Outcome);
        Assert.Contains("PROSPECT_WRITE_REFUSED", completions[0].Detail);
        Assert.Equal(SyncOutcome.Synced, completions[1].Outcome);
        Assert.Equal(completions[1].CrmRecordId, worker.Editor.Get(accepted).CrmRecordId);
        Assert.Null(worker.Editor.Get(refused).CrmRecordId);
        var entry = Assert.Single(await Errors(worker));
        Assert.Equal((refused, "PROSPECT_WRITE_REFUSED", "prospect-editor refused the CRM's values: Company: At most 4000 characters."),
            (entry.ProspectId, entry.ErrorCode, entry.Message));
        Assert.Equal(["Company"], entry.Fields);
    }

    [Fact]
    public async Task CredentialsTheCrmRefusesSendTheBatchToRetryFailingNobodyAndItSyncsOnceTheyAreMended()
    {
        await using var worker = await WorkerHost.Start("worker-credentials-refused");
        var id = WorkerHost.NextProspectId();
        worker.Editor.Add(id, Email(id), Fields(("lastName", "Turing")));
        worker.Crm.RefuseEveryCall = new CrmRequestException("The CRM refused POST composite: 401 INVALID_SESSION_ID.",
            [new CrmError("INVALID_SESSION_ID", "Session expired or invalid", [])], HttpStatusCode.Unauthorized);
        var request = WorkerHost.Request(id);

        await worker.Publish(request);
        await Eventually.True(() => worker.Crm.RefusedCalls >= 2, "the refused lookup to be tried again from the retry queue");

        Assert.False(worker.Recorded.Completions.ContainsKey(request.SyncId));
        Assert.Empty(await Errors(worker));
        Assert.Contains("INVALID_SESSION_ID", (await worker.Status()).LastError?.Message);

        worker.Crm.RefuseEveryCall = null;
        var completed = (await worker.Completions([request]))[0];

        Assert.Equal(SyncOutcome.Synced, completed.Outcome);
    }

    private static async Task<List<SyncErrorEntry>> Errors(WorkerHost worker) =>
        (await worker.Api.GetFromJsonAsync<List<SyncErrorEntry>>("sync/errors", Json.Options))!;

}
