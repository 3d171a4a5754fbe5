using System.Net;
using System.Net.Http.Json;
using System.Text;
using Sync.Clients.ProspectEditor;
using Sync.Contracts;
using Sync.ProspectEditor.Imports;
using Sync.ProspectEditor.Storage;
using Sync.Testing;

namespace Sync.ProspectEditor.Tests;

/// <summary>Nothing accepted is lost: a write the broker could not take is published by the relay once it can.</summary>
public sealed class OutboxRelayTests : IAsyncLifetime
{
    private readonly ProspectEditorFixture _editor = new();

    public Task InitializeAsync() => _editor.InitializeAsync();

    public Task DisposeAsync() => _editor.DisposeAsync();

    [Fact]
    public async Task AWriteAcceptedWhileTheBrokerIsAwayIsPublishedOnceItIsBack()
    {
        var prospect = await _editor.CreateProspect();

        await _editor.Broker.BeginOutage();
        var response = await _editor.Api.PatchAsJsonAsync($"prospects/{prospect.Id}", new { fields = new { city = "Lisbon" } });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, (await response.Content.ReadFromJsonAsync<ProspectDto>())!.Revision);
        var waiting = Assert.Single(await _editor.Host.Service<IProspectStore>().ReadOutbox(prospect.Id, CancellationToken.None));
        Assert.Equal(2, waiting.Revision);

        await _editor.Broker.EndOutage();

        var change = await _editor.Published.WaitFor<ProspectChanged>(c => c.ProspectId == prospect.Id && c.Revision == 2,
            "the change written during the outage to be published", timeout: TimeSpan.FromSeconds(45));
        Assert.Equal(waiting.EventId, Assert.Single(change).EventId);
        await Eventually.True(async () => (await _editor.Host.Service<IProspectStore>().ReadOutbox(prospect.Id, CancellationToken.None)).Count == 0,
            "the outbox to be emptied once the broker confirmed");
    }

    [Fact]
    public async Task AnImportDuringABrokerOutageKeepsItsRowsAndAnnouncesThemOnceTheBrokerIsBack()
    {
        await _editor.CreateProspect();
        var emails = Enumerable.Range(0, 3).Select(_ => ProspectEditorFixture.UniqueEmail("outage")).ToList();
        await _editor.Broker.BeginOutage();

        var response = await _editor.Api.PostAsync("imports", new StringContent("email\n" + string.Join("\n", emails), Encoding.UTF8, "text/csv"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var report = (await response.Content.ReadFromJsonAsync<ImportReport>())!;
        Assert.Equal((3L, 0, 1), (report.Created, report.PartsPublished, report.PartsAwaitingBroker));

        await _editor.Broker.EndOutage();
        var part = await _editor.Published.WaitFor<ProspectsImported>(imported => imported.ImportId == report.ImportId,
            "the import's part staged during the outage", timeout: TimeSpan.FromSeconds(45));
        Assert.Equal(3, Assert.Single(part).ProspectIds.Count);
    }
}
