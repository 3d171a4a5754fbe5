using System.Net;
using System.Net.Http.Json;
using Sync.Clients.ProspectEditor;
using Sync.ProspectEditor.Storage;
using Sync.ProspectEditor.Tests.Support;
using Sync.Testing;
using Sync.Testing.Hosting;

namespace Sync.ProspectEditor.Tests;

/// <summary>Embedded (in-memory stores and bus, nothing installed), prospect-editor serves the same API.</summary>
[FastLane]
public sealed class EmbeddedModeTests
{
    [Fact]
    public async Task EmbeddedTheStoresAreInMemoryAndOneAddressIsStillOneProspect()
    {
        await using var host = await EditorHost.Start(TestLane.InMemory(), ProspectEditorFixture.ApiKey);
        Assert.IsType<InMemoryProspectStore>(host.Service<IProspectStore>());
        var email = ProspectEditorFixture.UniqueEmail();

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => host.Http.PostAsJsonAsync("prospects/resolve", new { email })));

        Assert.All(results, response => Assert.True(response.IsSuccessStatusCode));
        var ids = await Task.WhenAll(results.Select(async response => (await response.Content.ReadFromJsonAsync<ResolvedProspect>())!.Prospect.Id));
        var id = Assert.Single(ids.Distinct());
        var patched = await host.Http.PatchAsJsonAsync($"prospects/{id}", new { fields = new { city = "Bergen" } });
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        await Eventually.True(async () => (await host.Service<IProspectStore>().ReadOutbox(id, CancellationToken.None)).Count == 0,
            "the in-memory outbox to be published on the in-memory bus");
    }
}
