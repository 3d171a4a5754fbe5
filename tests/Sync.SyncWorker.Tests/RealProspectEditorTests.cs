using System.Net.Http.Json;
using Sync.Clients.ProspectEditor;
using Sync.Contracts;
using Sync.Rules;
using Sync.ServiceDefaults.Messaging;
using Sync.SyncWorker.Tests.RealServices;
using Sync.Testing;
using Sync.Testing.Hosting;

namespace Sync.SyncWorker.Tests;

/// <summary>The worker against the real prospect-editor, hosted in-process: its write-back is the sync's own change, never a new one.</summary>
public sealed class RealProspectEditorTests
{
    [Fact]
    public async Task TheWriteBackReachesTheProspectAsTheSyncsOwnChange()
    {
        await using var lane = await TestLane.Servers("worker-editor");
        await using var editor = await RealServicesHost.StartEditor(lane);
        await using var worker = await WorkerHost.Start(lane, new Dictionary<string, string?>
        {
            ["Services:ProspectEditor:Url"] = editor.Address.ToString(),
            ["FieldMapping:Fields:title:Behavior"] = "UseCrmValue",
        });
        var events = new PublishedEvents(lane.Broker, SyncQueues.EvaluatorEvents);
        var created = await (await editor.Http.PostAsJsonAsync("prospects", new
        {
            email = $"grace.{Guid.NewGuid():N}@example.com",
            fields = new { firstName = "Grace", lastName = "Hopper", company = "Navy", title = "Engineer" },
        })).Content.ReadFromJsonAsync<ProspectDto>();
        await events.WaitFor<ProspectChanged>(change => change.ProspectId == created!.Id, "the prospect's Created event");
        // Someone in the CRM already knows her better.
        var contact = worker.Crm.Seed(CrmObjectType.Contact, new Dictionary<string, string?>
        {
            ["Email"] = created!.Email, ["LastName"] = "Hopper", ["Title"] = "Rear Admiral",
        });
        var request = WorkerHost.Request(created.Id, version: 2);

        var completed = (await worker.Sync(request))[0];

        Assert.Equal(SyncOutcome.Synced, completed.Outcome);
        Assert.Equal(contact.Id, completed.CrmRecordId);
        var prospect = await editor.Http.GetFromJsonAsync<ProspectDto>($"prospects/{created.Id}", Json.Options);
        Assert.Equal(contact.Id, prospect!.CrmRecordId);
        Assert.Equal(CrmObjectType.Contact, prospect.CrmObjectType);
        Assert.Equal("Rear Admiral", prospect.Fields["title"]);
        Assert.Equal("Grace", worker.Crm.Get(contact.Id!)!["FirstName"]);

        var writeBack = (await events.WaitFor<ProspectChanged>(change => change.ProspectId == created.Id && change.Origin == ChangeOrigin.Sync,
            "the write-back's ProspectChanged")).Single();
        Assert.Equal(request.SyncId, writeBack.SyncId);
        Assert.Equal(SyncRules.SyncOwnWrite, ChangeClassifier.RuleFor(writeBack));
    }
}
