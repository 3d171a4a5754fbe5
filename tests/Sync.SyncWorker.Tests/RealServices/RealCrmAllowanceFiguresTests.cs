using Sync.Contracts;
using Sync.ServiceDefaults.Messaging;
using Sync.SyncWorker.Control;
using Sync.Testing;

namespace Sync.SyncWorker.Tests.RealServices;

/// <summary>The allowance follows the real CRM's own figures: no call a batch cannot finish, none into the reserve, and a resume as soon as the CRM says so.</summary>
public sealed class RealCrmAllowanceFiguresTests
{
    [Fact]
    public async Task ABatchReservesItsLookupAndWriteBeforeItsFirstCallAndNoCallSpendsTheReserve()
    {
        await using var services = await RealServicesHost.Start("worker-real-reserve", new Dictionary<string, string?>
        {
            ["SyncWorker:BatchSize"] = "10",
            ["SyncWorker:ConcurrentBatches"] = "4",
            ["SyncWorker:Allowance:ReservePercent"] = "5",
        });
        var requests = await services.QueueWhilePaused(await services.ImportProspects(40));
        // 50 a day, 5 % (2 calls) reserved, 45 used: three calls are the sync's, enough for one batch and not two.
        await services.Crm.SetLimits(new { dailyApiRequests = 50, used = 45 });

        await services.Worker.Api.PostAsync("sync/resume", null);

        // (The first batch is whatever had reached the worker when its calls were granted: up to ten.)
        await Eventually.True(async () => services.Worker.Consumption.Status.Reason == PauseReason.Allowance
                && services.Worker.Recorded.CompletionCount is > 0 and <= 10 and var synced
                && await services.Broker.CountNow(SyncQueues.Worker) is { Consumers: 0 } queue && queue.Ready == requests.Length - synced,
            "one batch synced and the worker paused for the allowance with the rest of the requests in the queue");
        Assert.All(requests.Where(request => services.Worker.Recorded.Completions.ContainsKey(request.SyncId)),
            request => Assert.Equal(SyncOutcome.Synced, services.Worker.Recorded.Completions[request.SyncId].First().Outcome));
        // One lookup and one write: no batch looked up records it then had no call left to write.
        var charged = services.Traffic.Charged;
        Assert.Equal(["POST v60.0/composite", "POST v60.0/composite/sobjects"], charged.Select(answer => $"{answer.Method} {answer.Path}").Order());
        Assert.Equal(47, (await services.Usage()).Used);
        Assert.Equal(0, services.Traffic.Refusals("REQUEST_LIMIT_EXCEEDED"));
        Assert.Equal(47, (await services.Worker.Status()).Allowance.Used);
    }

    [Fact]
    public async Task ConsumingResumesOnTheNextLimitsReadWhenAnOperatorRaisesTheAllowance() =>
        await ResumesOnTheNextLimitsRead("worker-real-raised", new { dailyApiRequests = 1000 });

    [Fact]
    public async Task ConsumingResumesOnTheNextLimitsReadWhenTheCrmReportsUsageGoingDown() =>
        await ResumesOnTheNextLimitsRead("worker-real-lowered", new { used = 2 });

    private static async Task ResumesOnTheNextLimitsRead(string purpose, object change)
    {
        // The limits are read this rarely while consuming; held back by the allowance, the worker reads them at every
        // control tick (100 ms here) instead.
        await using var services = await RealServicesHost.Start(purpose, new Dictionary<string, string?>
        {
            ["SyncWorker:Allowance:ReservePercent"] = "5",
            ["SyncWorker:Allowance:LimitsRefreshInterval"] = "01:00:00",
        });
        var requests = await services.QueueWhilePaused(await services.ImportProspects(5));
        await services.Crm.SetLimits(new { dailyApiRequests = 50, used = 49 });
        await services.Worker.Api.PostAsync("sync/resume", null);
        await Eventually.True(async () => services.Worker.Consumption.Status.Reason == PauseReason.Allowance
                && await services.Broker.CountNow(SyncQueues.Worker) is { Consumers: 0, Ready: 5 },
            "the worker to hold back for the allowance");
        Assert.Equal(0, services.Worker.Recorded.CompletionCount);

        await services.Crm.SetLimits(change);

        // Well within the half minute the worker used to wait between reads of the limits while held back.
        var completions = await services.Worker.Completions(requests, TimeSpan.FromSeconds(15));
        Assert.All(completions, completed => Assert.Equal(SyncOutcome.Synced, completed.Outcome));
        Assert.Equal(0, services.Traffic.Refusals("REQUEST_LIMIT_EXCEEDED"));
    }
}
