using System.Globalization;
using Sync.Contracts;
using Sync.Testing;

namespace Sync.SyncWorker.Tests.RealServices;

/// <summary>The real CRM answering 503: it costs retries, never a prospect, and a lost answer never duplicates a record.</summary>
public sealed class RealCrmFaultTests
{
    private const int Prospects = 40;

    [Fact]
    public async Task TransientCrmFailuresAreRetriedUntilEveryProspectIsSyncedOnceEvenWhenAWritesAnswerIsLost()
    {
        // The limits are read once at start, so the only calls to the CRM from then on are the batch's own.
        await using var services = await RealServicesHost.Start("worker-real-faults", new Dictionary<string, string?>
        {
            ["SyncWorker:Allowance:LimitsRefreshInterval"] = "01:00:00",
        });
        var ids = await services.ImportProspects(Prospects);
        var requests = await services.QueueWhilePaused(ids);
        // The first two calls fail before the CRM does anything; then the batch's write is carried out and its answer lost.
        await services.Crm.SetFaults(new { failNextRequests = 2 });
        services.Traffic.BeforeNextWrite(() => services.Crm.SetFaults(new { failNextRequests = 1, phase = "AfterProcessing" }));

        await services.Worker.Api.PostAsync("sync/resume", null);
        var completions = await services.Worker.Completions(requests);

        Assert.All(completions, completed => Assert.Equal(SyncOutcome.Synced, completed.Outcome));
        Assert.Equal(3, services.Traffic.Answers.Count(answer => answer.Status == 503));
        var leads = (await services.Crm.Query("SELECT Id, ProspectId__c FROM Lead")).GetProperty("records").EnumerateArray()
            .ToDictionary(lead => long.Parse(lead.GetProperty("ProspectId__c").GetString()!, CultureInfo.InvariantCulture), lead => lead.GetProperty("Id").GetString());
        Assert.Equal(ids.Order(), leads.Keys.Order());
        Assert.All(completions, completed => Assert.Equal(leads[completed.ProspectId], completed.CrmRecordId));
        Assert.All(await Task.WhenAll(ids.Select(services.Prospect)), prospect => Assert.Equal(leads[prospect.Id], prospect.CrmRecordId));
        Assert.Contains("503", (await services.Worker.Status()).LastError?.Message);
        await services.UntilWorkerQueuesEmpty();
    }
}
