using System.Net;
using System.Net.Http.Json;
using System.Text;
using Sync.Clients.ProspectEditor;
using Sync.Contracts;
using Microsoft.Extensions.Hosting;
using Sync.ProspectEditor.Imports;
using Sync.ProspectEditor.Outbox;
using Sync.ProspectEditor.Prospects;
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
    public async Task AnOutboxThatCannotBeReadKeepsItsMarkAndDoesNotHoldBackTheOutboxesAfterIt()
    {
        await using var editor = await ProspectEditorFixture.StartEditor(_editor.Broker, _editor.Redis,
            new Dictionary<string, string?> { ["Outbox:MarkGrace"] = "00:00:00.100", ["Outbox:SweepInterval"] = "00:10:00" });
        var store = editor.Service<IProspectStore>();
        var relay = editor.Service<IEnumerable<IHostedService>>().OfType<ProspectOutboxRelay>().Single();
        var prefix = $"{_editor.Redis.Prefix}:prospect-editor";
        var unreadable = (await store.Claim(ProspectEditorFixture.UniqueEmail("unreadable"), CancellationToken.None)).ProspectId;
        var leftBehind = (await store.Claim(ProspectEditorFixture.UniqueEmail("left-behind"), CancellationToken.None)).ProspectId;
        var now = DateTimeOffset.UtcNow;
        var change = new ProspectChanged
        {
            EventId = Guid.NewGuid(), ProspectId = leftBehind, OccurredAt = now, Kind = ProspectChangeKind.Created, Origin = ChangeOrigin.Api, Revision = 1, ChangedFields = ["email"],
        };
        // Written without telling the relay: left for the sweep, as after a crash.
        await store.TryWrite(new Prospect { Id = leftBehind, Email = "x@example.com", Revision = 1, CreatedAt = now, UpdatedAt = now }, 0, change, CancellationToken.None);
        // The older mark, on an outbox holding something no ProspectChanged reads from.
        await _editor.Redis.Database.HashSetAsync($"{prefix}:{{p:{unreadable}}}:outbox", Guid.NewGuid().ToString(), "{not json");
        await _editor.Redis.Database.SortedSetAddAsync($"{prefix}:outbox-pending", unreadable, 1);

        var sweep = await Eventually.Until(async () => await relay.SweepOnce(CancellationToken.None) is { Published: > 0 } done ? done : (OutboxSweep?)null,
            "a sweep to publish the outbox left behind", TimeSpan.FromSeconds(45));

        Assert.Equal(1, sweep.Published);
        await _editor.Published.WaitFor<ProspectChanged>(published => published.EventId == change.EventId, "the event left behind");
        Assert.NotNull(await _editor.Redis.Database.SortedSetScoreAsync($"{prefix}:outbox-pending", unreadable));
    }

    [Fact]
    public async Task AnOutboxEventLeftWithoutAMarkIsFoundByTheBackstopAndPublished()
    {
        await using var editor = await ProspectEditorFixture.StartEditor(_editor.Broker, _editor.Redis,
            new Dictionary<string, string?> { ["Outbox:OrphanScanInterval"] = "00:00:01" });
        var store = editor.Service<IProspectStore>();
        var email = ProspectEditorFixture.UniqueEmail("orphan");
        var id = (await store.Claim(email, CancellationToken.None)).ProspectId;
        var now = DateTimeOffset.UtcNow;
        var change = new ProspectChanged
        {
            EventId = Guid.NewGuid(), ProspectId = id, OccurredAt = now, Kind = ProspectChangeKind.Created, Origin = ChangeOrigin.Api, Revision = 1, ChangedFields = ["email"],
        };

        // Written without telling the relay, then its mark lost: what a write slower than MarkGrace leaves behind a crash.
        await store.TryWrite(new Prospect { Id = id, Email = email, Revision = 1, CreatedAt = now, UpdatedAt = now }, 0, change, CancellationToken.None);
        await _editor.Redis.Database.SortedSetRemoveAsync($"{_editor.Redis.Prefix}:prospect-editor:outbox-pending", id);

        await _editor.Published.WaitFor<ProspectChanged>(published => published.EventId == change.EventId, "the orphaned event to be published",
            timeout: TimeSpan.FromSeconds(15));
        await Eventually.True(async () => (await store.ReadOutbox(id, CancellationToken.None)).Count == 0, "the orphaned outbox to be emptied");
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
