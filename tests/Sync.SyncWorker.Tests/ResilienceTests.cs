using Sync.Contracts;
using Sync.ServiceDefaults.Messaging;
using Sync.SyncWorker.Control;
using Sync.Testing;

namespace Sync.SyncWorker.Tests;

/// <summary>Failures that must cost time, never a change: 5xx answers, a spent allowance, the CRM refusing for the allowance.</summary>
public sealed class ResilienceTests
{
    [Fact]
    public async Task TransientFailuresAreRetriedThroughTheRetryQueuesUntilEveryProspectSyncs()
    {
        await using var worker = await WorkerHost.Start("worker-transient");
        var requests = NewProspects(worker, 30);
        worker.Crm.FailNextCalls = 3;
        worker.Editor.FailNextCalls = 1;

        await worker.Publish(requests);
        var completions = await worker.Completions(requests);

        Assert.All(completions, completed => Assert.Equal(SyncOutcome.Synced, completed.Outcome));
        Assert.Equal(0, worker.Crm.FailNextCalls);
        Assert.Equal(0, worker.Editor.FailNextCalls);
        Assert.All(requests, request => Assert.Single(worker.Crm.WithEmail($"p{request.ProspectId}@example.test")));
        Assert.NotNull((await worker.Status()).LastError);
        await worker.Broker.WaitUntilDrained();
    }

    [Fact]
    public async Task ASpentAllowancePausesTheWorkerBeforeTheCrmRefusesAndEverythingSyncsAfterTheReset()
    {
        await using var worker = await WorkerHost.Start("worker-allowance");
        await worker.Api.PostAsync("sync/pause", null);
        var requests = NewProspects(worker, 600);
        await worker.Publish(requests);
        await worker.UntilWaiting(SyncQueues.Worker, 600);
        // Four calls left today: two batches (a lookup and a write each) of the three.
        worker.Crm.SetAllowance(limit: 4, used: 0);
        await worker.Api.PostAsync("sync/resume", null);

        await Eventually.True(() => worker.Recorded.CompletionCount == 400 && worker.Consumption.Status.Reason == PauseReason.Allowance,
            "two batches to sync and the worker to pause for the allowance");
        await worker.UntilWaiting(SyncQueues.Worker, 200);
        Assert.Equal(0, worker.Crm.RefusedForLimit);
        Assert.Equal(4, worker.Crm.ChargedCalls);
        var status = await worker.Status();
        Assert.True(status.Paused);
        Assert.Equal(PauseReason.Allowance, status.Reason);
        Assert.Equal(0, status.Allowance.AvailableToSync);

        worker.Crm.SetAllowance(limit: 1000, used: 0, resetsAt: DateTimeOffset.UtcNow.AddDays(1));
        var completions = await worker.Completions(requests);

        Assert.All(completions, completed => Assert.Equal(SyncOutcome.Synced, completed.Outcome));
        Assert.Equal(0, worker.Crm.RefusedForLimit);
        Assert.Equal(600, requests.Select(request => request.ProspectId).Distinct().Count(id => worker.Crm.WithEmail($"p{id}@example.test").Count == 1));
    }

    [Fact]
    public async Task TheCrmRefusingForTheAllowancePausesTheWorkerUntilTheAllowanceResets()
    {
        // The worker reads the limits seldom here, so it does not see that another integration spent the allowance.
        await using var worker = await WorkerHost.Start("worker-refused", new Dictionary<string, string?>
        {
            ["SyncWorker:Allowance:LimitsRefreshInterval"] = "01:00:00",
        });
        await Eventually.True(async () => (await worker.Status()).Allowance.Limit is not null, "the worker to learn the limits");
        worker.Crm.SetAllowance(limit: 1000, used: 1000);
        var requests = NewProspects(worker, 10);

        await worker.Publish(requests);

        await Eventually.True(() => worker.Crm.RefusedForLimit == 1 && worker.Consumption.Status.Reason == PauseReason.Allowance,
            "the refusal to pause the worker");
        await worker.UntilWaiting(SyncQueues.Worker, 10);
        Assert.Equal(0, worker.Recorded.CompletionCount);

        worker.Crm.SetAllowance(limit: 1000, used: 0);
        var completions = await worker.Completions(requests);

        Assert.All(completions, completed => Assert.Equal(SyncOutcome.Synced, completed.Outcome));
        Assert.Equal(1, worker.Crm.RefusedForLimit);
    }

    private static SyncRequested[] NewProspects(WorkerHost worker, int count) =>
        Enumerable.Range(0, count).Select(i =>
        {
            var id = WorkerHost.NextProspectId();
            worker.Editor.Add(id, $"p{id}@example.test", new Dictionary<string, string?> { ["lastName"] = $"Prospect {i}", ["company"] = "Acme" });
            return WorkerHost.Request(id);
        }).ToArray();
}
