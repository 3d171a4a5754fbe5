using Sync.Contracts;
using Sync.Testing;

namespace Sync.SyncWorker.Tests;

/// <summary>Batches form under load, not at idle: a lone change is synced at once, and requests accumulate only while calls are withheld.</summary>
public abstract class BatchFormingTests(WorkerLane lane)
{
    [Fact]
    public async Task ALoneRequestIsSyncedWithoutWaitingForItsBatchToFill()
    {
        // The longest fill wait there is: only a batch that leaves at once, with nothing else queued, completes in time.
        await using var worker = await WorkerHost.Start(lane, "worker-lone", new Dictionary<string, string?> { ["SyncWorker:BatchFillWait"] = "00:01:00" });
        var id = NewProspect(worker);
        var request = WorkerHost.Request(id);

        await worker.Publish(request);
        var completed = (await worker.Completions([request], TimeSpan.FromSeconds(30)))[0];

        Assert.Equal(SyncOutcome.Synced, completed.Outcome);
        Assert.Equal([1], worker.Crm.WriteSizes);
        Assert.Equal(2, worker.Crm.ChargedCalls);
    }

    [Fact]
    public async Task RequestsArrivingWhileThePacingWithholdsACallJoinOneBatch()
    {
        await using var worker = await WorkerHost.Start(lane, "worker-paced-batch", new Dictionary<string, string?>
        {
            // A bucket of one batch's calls, refilled slowly: 20,000 calls over the 12 hours left is one call in about 2 s.
            ["SyncWorker:Allowance:BurstCalls"] = "2",
            ["SyncWorker:Allowance:LongestInlineWait"] = "00:01:00",
        });
        worker.Crm.SetAllowance(limit: 20_000, used: 0, DateTimeOffset.UtcNow.AddHours(12));
        await Eventually.True(async () => (await worker.Status()).Allowance.Limit == 20_000, "the worker to read the CRM's limits");

        // The first batch empties the bucket.
        Assert.Equal(SyncOutcome.Synced, (await worker.SyncOne(NewProspect(worker))).Outcome);
        var requests = Enumerable.Range(0, 150).Select(_ => WorkerHost.Request(NewProspect(worker))).ToArray();
        await worker.Publish(requests);
        var completions = await worker.Completions(requests, TimeSpan.FromSeconds(60));

        Assert.All(completions, completed => Assert.Equal(SyncOutcome.Synced, completed.Outcome));
        // Every request that arrived while the pacing withheld the next call went in the batch it granted.
        Assert.Equal([1, 150], worker.Crm.WriteSizes);
        Assert.Equal(4, worker.Crm.ChargedCalls);
    }

    private static long NewProspect(WorkerHost worker)
    {
        var id = WorkerHost.NextProspectId();
        worker.Editor.Add(id, $"p{id}@example.test", new Dictionary<string, string?> { ["lastName"] = $"Prospect {id}", ["company"] = "Acme" });
        return id;
    }
}

public sealed class BatchFormingTestsOnServers() : BatchFormingTests(WorkerLane.Servers);

[FastLane]
public sealed class BatchFormingTestsInMemory() : BatchFormingTests(WorkerLane.InMemory);
