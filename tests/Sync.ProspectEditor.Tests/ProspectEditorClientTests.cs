using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Sync.Clients.ProspectEditor;

namespace Sync.ProspectEditor.Tests;

/// <summary>The shared client against the real prospect-editor: null means "no such prospect", never "wrong address".</summary>
public sealed class ProspectEditorClientTests(ProspectEditorFixture editor) : IClassFixture<ProspectEditorFixture>
{
    [Fact]
    public async Task AnUnknownProspectAnswersAProspectNotFoundProblemWhichTheClientReadsAsNull()
    {
        var response = await editor.Api.GetAsync("prospects/987654321");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(ProspectEditorProblems.ProspectNotFound, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
        var client = Client(editor.Host.Address);
        Assert.Null(await client.Get(987654321, CancellationToken.None));
        Assert.Null(await client.FindByEmail(ProspectEditorFixture.UniqueEmail("nobody"), CancellationToken.None));
        Assert.Null(await client.Unsubscribe(987654321, CancellationToken.None));
        var known = await editor.CreateProspect();
        Assert.Equal(known.Id, (await client.Get(known.Id, CancellationToken.None))!.Id);
    }

    [Fact]
    public async Task A404FromAWrongAddressIsAnErrorNotAMissingProspect()
    {
        var client = Client(new Uri(editor.Host.Address, "not-prospect-editor/"));

        var error = await Assert.ThrowsAsync<ProspectEditorException>(() => client.Get(1, CancellationToken.None));

        Assert.Equal(HttpStatusCode.NotFound, error.Status);
        Assert.False(error.Transient);
        await Assert.ThrowsAsync<ProspectEditorException>(() => client.FindByEmail(ProspectEditorFixture.UniqueEmail(), CancellationToken.None));
        await Assert.ThrowsAsync<ProspectEditorException>(() => client.Unsubscribe(1, CancellationToken.None));
    }

    private static IProspectEditorClient Client(Uri url)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration["Services:ProspectEditor:Url"] = url.ToString();
        builder.Configuration["Services:ProspectEditor:ApiKey"] = ProspectEditorFixture.ApiKey;
        builder.AddProspectEditorClient();
        return builder.Build().Services.GetRequiredService<IProspectEditorClient>();
    }
}
