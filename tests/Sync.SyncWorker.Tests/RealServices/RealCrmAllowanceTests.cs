using System.Globalization;
using Sync.Contracts;
using Sync.ServiceDefaults.Messaging;
using Sync.SyncWorker.Control;
using Sync.Testing;

namespace Sync.SyncWorker.Tests.RealServices;

/// <summary>The real CRM's daily allowance: the worker stops before the CRM would refuse it and resumes when the CRM's day turns.</summary>
public sealed class RealCrmAllowanceTests
{
    private const int Prospects = 30;

    [Fact]
    public async Task AnExhaustedAllowancePausesTheWorkerBeforeTheCrmRefusesAndEveryProspectSyncsAfterTheCrmsReset()
    {
        await using var services = await RealServicesHost.Start("worker-real-allowance", new Dictionary<string, string?>
        {
            ["SyncWorker:BatchSize"] = "10",
        });
        var ids = await services.ImportProspects(Prospects);
        var requests = await services.QueueWhilePaused(ids);
        // Four calls left today: two batches of ten, of the three the queue holds.
        await services.Crm.SetLimits(new { dailyApiRequests = 1000, used = 996 });

        await services.Worker.Api.PostAsync("sync/resume", null);

        await Eventually.True(async () => services.Worker.Consumption.Status.Reason == PauseReason.Allowance
                && await services.Broker.CountNow(SyncQueues.Worker) is { Consumers: 0 } queue
                && queue.Ready == Prospects - services.Worker.Recorded.CompletionCount && queue.Ready > 0,
            "the worker to pause for the allowance with the rest of the requests waiting in the queue");
        var spent = await services.Usage();
        Assert.Equal(1000, spent.Used);
        Assert.Equal(0, services.Traffic.Refusals("REQUEST_LIMIT_EXCEEDED"));
        Assert.InRange(services.Worker.Recorded.CompletionCount, 10, 20);
        var status = await services.Worker.Status();
        Assert.True(status.Paused);
        Assert.Equal((PauseReason.Allowance, 0), (status.Reason, status.Allowance.AvailableToSync));

        // The CRM's clock passes its day boundary: a new day's allowance.
        await services.Crm.AdminSend(HttpMethod.Post, "admin/clock/advance", new { by = spent.ResetsAt - spent.Now + TimeSpan.FromMinutes(1) });
        var completions = await services.Worker.Completions(requests);

        Assert.All(completions, completed => Assert.Equal(SyncOutcome.Synced, completed.Outcome));
        Assert.Equal(0, services.Traffic.Refusals("REQUEST_LIMIT_EXCEEDED"));
        var leads = (await services.Crm.Query("SELECT Id, ProspectId__c FROM Lead")).GetProperty("records").EnumerateArray()
            .Select(lead => long.Parse(lead.GetProperty("ProspectId__c").GetString()!, CultureInfo.InvariantCulture));
        Assert.Equal(ids.Order(), leads.Order());
        Assert.True((await services.Usage()).Used < 1000, "the usage counts from zero in the CRM's new day");
        await services.UntilWorkerQueuesEmpty();
    }

    [Fact]
    public async Task ACrmClockRunningBehindTheWorkersHoldsTheWorkerUntilTheCrmItselfResets()
    {
        await using var services = await RealServicesHost.Start("worker-real-skew");
        var requests = await services.QueueWhilePaused(await services.ImportProspects(10));
        // The CRM's clock half a minute before its midnight, which has long passed by the worker's clock; its allowance spent.
        var now = DateTimeOffset.UtcNow;
        await services.Crm.AdminSend(HttpMethod.Put, "admin/clock", new { offset = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero).AddSeconds(-30) - now });
        await services.Crm.SetLimits(new { dailyApiRequests = 1000, used = 1000 });
        var spent = await services.Usage();
        Assert.True(spent.ResetsAt < DateTimeOffset.UtcNow, "the CRM names a reset the worker's clock has passed");

        var resumedAt = DateTimeOffset.UtcNow;
        await services.Worker.Api.PostAsync("sync/resume", null);

        // The barrier: the worker has read the CRM's limits again and again for a second, and keeps waiting.
        await Eventually.True(async () => await services.Worker.Status() is { Reason: PauseReason.Allowance, Allowance.ObservedAt: { } observed }
                && observed > resumedAt.AddSeconds(1),
            "the worker to hold back for the allowance while reading the limits");
        Assert.Equal(0, services.Traffic.Refusals("REQUEST_LIMIT_EXCEEDED"));
        Assert.Equal(0, services.Worker.Recorded.CompletionCount);
        Assert.Equal((uint)requests.Length, (await services.Broker.CountNow(SyncQueues.Worker))?.Ready);

        await services.Crm.AdminSend(HttpMethod.Post, "admin/clock/advance", new { by = TimeSpan.FromMinutes(1) });
        var completions = await services.Worker.Completions(requests);

        Assert.All(completions, completed => Assert.Equal(SyncOutcome.Synced, completed.Outcome));
        Assert.Equal(0, services.Traffic.Refusals("REQUEST_LIMIT_EXCEEDED"));
    }
}
