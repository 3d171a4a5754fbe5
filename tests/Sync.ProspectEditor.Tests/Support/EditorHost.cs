using Microsoft.Extensions.DependencyInjection;
using Sync.ProspectEditor.Apis;
using Sync.ProspectEditor.Extensions;
using Sync.ServiceDefaults.Http;
using Sync.ServiceDefaults.Messaging;
using Sync.Testing;
using Sync.Testing.Hosting;

namespace Sync.ProspectEditor.Tests.Support;

/// <summary>
/// prospect-editor hosted in the test process as its Program.cs hosts it. Linked into the test projects that host it beside
/// their own service, so each passes the settings it runs it with.
/// </summary>
public static class EditorHost
{
    /// <param name="apiKey">The key its client sends: the settings' Sync:ApiKey.</param>
    /// <param name="replaceServices">Registrations made after prospect-editor's own, which they replace (a store that fails on cue).</param>
    public static async Task<TestServiceHost> Start(
        IEnumerable<KeyValuePair<string, string?>> settings, string apiKey, Action<IServiceCollection>? replaceServices = null)
    {
        var host = await TestServiceHost.Start("prospect-editor", settings,
            builder =>
            {
                builder.AddProspectEditor();
                replaceServices?.Invoke(builder.Services);
                builder.AddSyncBus(bus => bus.AddProspectEditorConsumers());
            },
            app => app.MapProspectEditorApi());
        host.Http.DefaultRequestHeaders.Add(ApiKeyFilter.Header, apiKey);
        return host;
    }
}
