using System.Diagnostics;
using Sync.Contracts;
using Sync.ServiceDefaults.Messaging;
using Sync.Testing;
using Xunit.Abstractions;

namespace Sync.SyncWorker.Tests;

/// <summary>
/// The worker's promise to the CRM: a batch, a call; never a call per prospect. On both lanes: on the in-memory one the
/// worker counts its queue's ready requests itself (the in-memory transport does not show them), as RabbitMQ counts them.
/// </summary>
public abstract class BatchingTests(WorkerLane lane, ITestOutputHelper output)
{
    [Fact]
    public async Task AThousandChangedProspectsSyncInAtMostTenChargedCrmCalls()
    {
        // Every request waits in the queue: each batch takes those queued and delivered, so it fills up; a fill wait this
        // long only keeps a loaded machine (delivering slowly) from cutting a batch short.
        await using var worker = await WorkerHost.Start(lane, "worker-batching",
            new Dictionary<string, string?> { ["SyncWorker:BatchFillWait"] = "00:00:05" });
        await worker.Api.PostAsync("sync/pause", null);
        var requests = Enumerable.Range(0, 1000).Select(i =>
        {
            var id = WorkerHost.NextProspectId();
            var email = $"p{id}@example.test";
            // Half already have a Contact in the CRM, found by e-mail; half become new Leads.
            if (i % 2 == 0)
                worker.Crm.Seed(Contracts.CrmObjectType.Contact, new Dictionary<string, string?> { ["Email"] = email, ["LastName"] = "Known" });
            worker.Editor.Add(id, email, new Dictionary<string, string?> { ["lastName"] = $"Prospect {i}", ["company"] = "Acme" });
            return WorkerHost.Request(id);
        }).ToArray();
        await worker.Publish(requests);
        // In memory a publish returns once its message is queued, and the paused worker consumes nothing.
        if (lane == WorkerLane.Servers)
            await worker.UntilWaiting(SyncQueues.Worker, 1000);
        else
            Assert.False(worker.Consumption.Status.Consuming);

        var clock = Stopwatch.StartNew();
        await worker.Api.PostAsync("sync/resume", null);
        var completions = await worker.Completions(requests, TimeSpan.FromSeconds(60));
        clock.Stop();

        Assert.All(completions, completed => Assert.Equal(SyncOutcome.Synced, completed.Outcome));
        output.WriteLine($"write sizes: {string.Join(", ", worker.Crm.WriteSizes)}");
        Assert.InRange(worker.Crm.ChargedCalls, 1, 10);
        Assert.All(worker.Crm.WriteSizes, size => Assert.InRange(size, 1, 200));
        Assert.InRange(worker.Editor.GetManyCalls, 1, 5);
        Assert.InRange(worker.Editor.WriteBackCalls, 1, 5);
        var status = await worker.Status();
        Assert.Equal(worker.Crm.ChargedCalls, status.Batches.CrmCalls);
        Assert.Equal(1000, status.Batches.Prospects);
        output.WriteLine($"1,000 prospects: {worker.Crm.ChargedCalls} charged CRM calls ({worker.Crm.LookupCalls} lookups, {worker.Crm.WriteCalls} writes), " +
            $"{worker.Editor.GetManyCalls} snapshot reads, {status.Batches.Batches} batches, {clock.ElapsedMilliseconds} ms from resume to the last SyncCompleted");
    }
}

public sealed class BatchingTestsOnServers(ITestOutputHelper output) : BatchingTests(WorkerLane.Servers, output);

[FastLane]
public sealed class BatchingTestsInMemory(ITestOutputHelper output) : BatchingTests(WorkerLane.InMemory, output);
