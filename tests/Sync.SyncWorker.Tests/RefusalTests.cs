using System.Net;
using System.Net.Http.Json;
using Sync.Clients.Crm;
using Sync.Contracts;
using Sync.SyncWorker.Storage.SyncErrors;
using Sync.Testing;
using static Sync.SyncWorker.Tests.Fakes.SeedValues;

namespace Sync.SyncWorker.Tests;

/// <summary>
/// Refusals that concern part of a batch fail that part alone; refusals that concern the worker's own configuration fail
/// no prospect at all.
/// </summary>
public abstract class RefusalTests(WorkerLane lane)
{
    [Fact]
    public async Task AWriteTheCrmRefusesWholeFailsItsRecordsAndTheProspectsThatNeededNoWriteAreStillWrittenBack()
    {
        await using var worker = await WorkerHost.Start(lane, "worker-write-refused");
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
        await using var worker = await WorkerHost.Start(lane, "worker-write-back-refused");
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
        await using var worker = await WorkerHost.Start(lane, "worker-credentials-refused");
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

    [Fact]
    public async Task TheSyncErrorListPagesAndRetriesTheProspectsOfOneErrorCode()
    {
        await using var worker = await WorkerHost.Start(lane, "worker-error-list");
        var ids = Enumerable.Range(0, 5).Select(_ => WorkerHost.NextProspectId()).ToList();
        foreach (var id in ids)
            worker.Editor.Add(id, Email(id), Fields(("lastName", "Refused")));
        var invalidEmail = ids.Take(3).Select(id => id.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToHashSet();
        worker.Crm.Validate = record => invalidEmail.Contains(record[CrmFields.ProspectId] ?? "")
            ? new CrmError("INVALID_EMAIL_ADDRESS", "Email: invalid email address", ["Email"])
            : new CrmError("REQUIRED_FIELD_MISSING", "Required fields are missing: [Company]", ["Company"]);
        Assert.All(await worker.Sync([.. ids.Select(id => WorkerHost.Request(id))]), completed => Assert.Equal(SyncOutcome.Failed, completed.Outcome));

        using var first = await worker.Api.GetAsync("sync/errors?limit=2");
        var firstPage = (await first.Content.ReadFromJsonAsync<List<SyncErrorEntry>>(Json.Options))!;
        Assert.Equal(ids.Take(2), firstPage.Select(entry => entry.ProspectId));
        Assert.Equal("5", first.Headers.GetValues("X-Total-Count").Single());
        var next = first.Headers.GetValues("Link").Single();
        Assert.Equal($"</sync/errors?after={ids[1]}&limit=2>; rel=\"next\"", next);
        var secondPage = (await worker.Api.GetFromJsonAsync<List<SyncErrorEntry>>(next[2..next.IndexOf('>')], Json.Options))!;
        Assert.Equal(ids.Skip(2).Take(2), secondPage.Select(entry => entry.ProspectId));
        using var filtered = await worker.Api.GetAsync("sync/errors?errorCode=REQUIRED_FIELD_MISSING");
        Assert.Equal(ids.Skip(3), (await filtered.Content.ReadFromJsonAsync<List<SyncErrorEntry>>(Json.Options))!.Select(entry => entry.ProspectId));
        Assert.False(filtered.Headers.Contains("Link"));
        Assert.Equal(HttpStatusCode.BadRequest, (await worker.Api.GetAsync("sync/errors?limit=0")).StatusCode);

        using var retry = await worker.Api.PostAsync("sync/errors/retry?errorCode=INVALID_EMAIL_ADDRESS", null);
        var accepted = (await retry.Content.ReadFromJsonAsync<Apis.RetryAccepted>(Json.Options))!;

        Assert.Equal(3, accepted.Requested);
        Assert.Equal(ids.Take(3), accepted.ProspectIds);
        await Eventually.True(() => worker.Recorded.Forced.Count(forced => ids.Contains(forced.ProspectId)) == 3, "the three retries to reach the evaluator's queue");
        Assert.Equal(ids.Take(3), worker.Recorded.Forced.Select(forced => forced.ProspectId).Where(ids.Contains).Order());
        var entries = await Errors(worker);
        Assert.All(entries.Where(entry => entry.ErrorCode == "INVALID_EMAIL_ADDRESS"), entry => Assert.NotNull(entry.RetryRequestedAt));
        Assert.All(entries.Where(entry => entry.ErrorCode == "REQUIRED_FIELD_MISSING"), entry => Assert.Null(entry.RetryRequestedAt));
    }

    private static async Task<List<SyncErrorEntry>> Errors(WorkerHost worker) =>
        (await worker.Api.GetFromJsonAsync<List<SyncErrorEntry>>("sync/errors", Json.Options))!;
}

public sealed class RefusalTestsOnServers() : RefusalTests(WorkerLane.Servers);

[FastLane]
public sealed class RefusalTestsInMemory() : RefusalTests(WorkerLane.InMemory);
