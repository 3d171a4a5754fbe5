using Microsoft.Extensions.Logging.Abstractions;
using Sync.Clients.Crm;
using Sync.Contracts;
using Sync.SyncWorker.Batches;
using Sync.SyncWorker.Matching;
using Sync.SyncWorker.Options;
using Sync.SyncWorker.Storage.SyncErrors;
using Sync.SyncWorker.Storage.WorkerState;
using Sync.Testing;
using static Sync.SyncWorker.Tests.Fakes.StageInputs;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace Sync.SyncWorker.Tests.Batches;

/// <summary>The completion stage against the in-memory stores: what each SyncCompleted says, the sync-error list, and a request synced twice.</summary>
[FastLane]
public sealed class SyncCompletionTests
{
    private readonly InMemoryWorkerStateStore _state = new(TimeProvider.System);
    private readonly InMemorySyncErrorStore _errors = new();
    private readonly SyncCompletion _completion;

    public SyncCompletionTests() =>
        _completion = new SyncCompletion(_state, _errors, MsOptions.Create(new SyncWorkerOptions()), TimeProvider.System, NullLogger<SyncCompletion>.Instance);

    [Fact]
    public async Task TheCompletionNamesTheRevisionAndTheLastModifiedDateTheSyncReadBeforeItWrote()
    {
        var read = new CrmRecord { Id = "00QA", Type = CrmObjectType.Lead, Fields = new Dictionary<string, string?> { [CrmFields.LastModifiedDate] = Earlier.ToString("O") } };
        var prospect = InBatch(1, Prospect(1, revision: 7));
        prospect.Match = new CrmMatch(CrmMatchKind.ById, read, "its own");
        prospect.Synced(CrmObjectType.Lead, "00QA", lastModified: null);

        var completion = Assert.Single(await _completion.Complete([prospect], new BatchReport()));

        Assert.Equal((SyncOutcome.Synced, 7L, Earlier), (completion.Outcome, completion.ProspectRevisionRead!.Value, completion.CrmLastModifiedDateRead!.Value));
        Assert.Equal(prospect.Requests[0].Request.SyncId, completion.SyncId);
    }

    [Fact]
    public async Task AFailedProspectGoesOnTheSyncErrorListAndASyncedOneComesOffIt()
    {
        await _errors.Record([new SyncErrorOccurrence(2, Guid.NewGuid(), "STRING_TOO_LONG", "Title", [], Earlier)]);
        var failed = InBatch(1, Prospect(1));
        failed.Fail(new CrmError("INVALID_EMAIL_ADDRESS", "Email: invalid email address: p1@example.test", ["Email"]), "new Lead");
        var synced = InBatch(2, Prospect(2));
        synced.Match = new CrmMatch(CrmMatchKind.NewLead, null, "new Lead");
        synced.Synced(CrmObjectType.Lead, "00QB", null);
        var report = new BatchReport();

        await _completion.Complete([failed, synced], report);

        var entry = await _errors.Find(1);
        Assert.Equal(("INVALID_EMAIL_ADDRESS", failed.LatestSyncId), (entry!.ErrorCode, entry.LastSyncId!.Value));
        Assert.DoesNotContain("@", entry.Message);
        Assert.Null(await _errors.Find(2));
        Assert.Equal((1, 1), (report.Outcomes[SyncOutcome.Failed], report.Outcomes[SyncOutcome.Synced]));
    }

    [Fact]
    public async Task ARequestAlreadyCompletedIsTakenOutAndItsCompletionReportedAgain()
    {
        var first = InBatch(1, Prospect(1));
        first.Match = new CrmMatch(CrmMatchKind.NewLead, null, "new Lead");
        first.Synced(CrmObjectType.Lead, "00QA", null);
        var original = Assert.Single(await _completion.Complete([first], new BatchReport()));
        var again = new ProspectSync(1, [.. first.Requests]);
        var report = new BatchReport();

        var republished = await _completion.TakeOutAlreadyCompleted([again], report);

        Assert.Equal(original.EventId, Assert.Single(republished).EventId);
        Assert.Empty(again.Requests);
        Assert.Equal(1, report.Duplicates);
    }
}
