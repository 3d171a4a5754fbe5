using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using Sync.Clients.Crm;
using Sync.Contracts;
using Sync.CrmSimulator.Tests.Support;
using Sync.Testing;
using Xunit.Abstractions;

namespace Sync.SyncWorker.Tests.RealServices;

/// <summary>The worker's promise to the real CRM's allowance: a batch, a lookup and a write; never a call per prospect.</summary>
public sealed class RealCrmBatchingTests(ITestOutputHelper output)
{
    private const int Prospects = 1000;

    [Fact]
    public async Task AThousandImportedProspectsSyncInAtMostTenCallsChargedByTheCrm()
    {
        // As in BatchingTests: each batch takes the requests queued and delivered; the long fill wait is for a loaded machine.
        await using var services = await RealServicesHost.Start("worker-real-batching",
            new Dictionary<string, string?> { ["SyncWorker:BatchFillWait"] = "00:00:05" });
        var tag = Guid.NewGuid().ToString("N")[..8];
        var emails = Enumerable.Range(0, Prospects).Select(i => string.Create(CultureInfo.InvariantCulture, $"bulk{i}.{tag}@example.com")).ToList();
        // Half of them the CRM knows already, as Contacts a sales rep entered.
        foreach (var chunk in emails.Where((_, i) => i % 2 == 0).Chunk(200))
            await SeedContacts(services.Crm, chunk);
        var csv = new StringBuilder("email,firstName,lastName,company\n");
        for (var i = 0; i < Prospects; i++)
            csv.Append(CultureInfo.InvariantCulture, $"{emails[i]},Row,Prospect {i},Acme\n");
        var ids = await services.Import(csv.ToString(), Prospects);
        var requests = await services.QueueWhilePaused(ids);
        var before = await services.Usage();
        var answersBefore = services.Traffic.Charged.Count;

        var clock = Stopwatch.StartNew();
        await services.Worker.Api.PostAsync("sync/resume", null);
        var completions = await services.Worker.Completions(requests, TimeSpan.FromSeconds(60));
        clock.Stop();

        Assert.All(completions, completed => Assert.Equal(SyncOutcome.Synced, completed.Outcome));
        var after = await services.Usage();
        var charged = after.Used - before.Used;
        Assert.InRange(charged, 1, 10);
        // The worker saw the same count on the CRM's last answer to it (Sforce-Limit-Info), and made no other charged call.
        Assert.Equal(after.Used, services.Worker.Host.Service<ICrmClient>().LastKnownUsage?.Used);
        Assert.Equal(charged, services.Traffic.Charged.Count - answersBefore);
        var status = await services.Worker.Status();
        Assert.Equal(charged, status.Batches.CrmCalls);

        var contacts = await services.Crm.Query("SELECT Id, ProspectId__c FROM Contact WHERE ProspectId__c != NULL");
        var leads = await services.Crm.Query("SELECT Id, ProspectId__c FROM Lead WHERE ProspectId__c != NULL");
        Assert.Equal((Prospects / 2, Prospects / 2), (contacts.GetProperty("totalSize").GetInt32(), leads.GetProperty("totalSize").GetInt32()));
        var synced = contacts.GetProperty("records").EnumerateArray().Concat(leads.GetProperty("records").EnumerateArray())
            .Select(record => long.Parse(record.GetProperty("ProspectId__c").GetString()!, CultureInfo.InvariantCulture));
        Assert.Equal(ids.Order(), synced.Order());
        output.WriteLine($"{Prospects} prospects: {charged} calls charged by the CRM (admin usage {before.Used} -> {after.Used}; " +
            $"Sforce-Limit-Info on the worker's last answer {after.Used}/{after.Limit}), {status.Batches.Batches} batches, " +
            $"{clock.ElapsedMilliseconds} ms from resume to the last SyncCompleted");
    }

    private static async Task SeedContacts(SimulatorHost crm, IEnumerable<string> emails)
    {
        var records = emails.Select(email => new Dictionary<string, object>
        {
            ["attributes"] = new { type = "Contact" },
            ["LastName"] = "Known",
            ["Email"] = email,
        });
        using var response = await crm.Sales.PostAsJsonAsync("composite/sobjects", new { allOrNone = true, records }, SimulatorHost.FieldNames);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode && !body.Contains("\"success\":false", StringComparison.Ordinal), $"Seeding Contacts answered {(int)response.StatusCode}: {body}");
    }
}
