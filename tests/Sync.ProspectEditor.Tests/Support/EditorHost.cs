using Microsoft.Extensions.DependencyInjection;
using Sync.ProspectEditor.Apis;
using Sync.ProspectEditor.Extensions;
using Sync.Testing.Hosting;

namespace Sync.ProspectEditor.Tests.Support;

/// <summary>
/// prospect-editor hosted in the test process as its Program.cs hosts it. Linked into the test projects that host it beside
/// their own service, so each passes the settings it runs it with.
/// </summary>
public static class EditorHost
{
    /// <summary>prospect-editor as its Program.cs hosts it.</summary>
    public static ServiceRecipe Recipe { get; } =
        new("prospect-editor", builder => builder.AddProspectEditor(), bus => bus.AddProspectEditorConsumers(), app => app.MapProspectEditorApi());

    /// <param name="settings">The virtual host, the key prefix and prospect-editor's own knobs, composed by the caller.</param>
    /// <param name="apiKey">Its operator key (Sync:ApiKey), which its client sends.</param>
    /// <param name="replaceServices">Registrations made after prospect-editor's own, which they replace (a store that fails on cue).</param>
    public static Task<TestServiceHost> Start(
        IEnumerable<KeyValuePair<string, string?>> settings, string apiKey, Action<IServiceCollection>? replaceServices = null) =>
        Start(TestLane.FromSettings(settings), apiKey, replaceServices: replaceServices);

    /// <param name="lane">Where its bus and stores live.</param>
    /// <param name="apiKey">Its operator key (Sync:ApiKey), which its client sends.</param>
    /// <param name="settings">prospect-editor's own knobs, over the lane's.</param>
    /// <param name="replaceServices">Registrations made after prospect-editor's own, which they replace (a store that fails on cue).</param>
    public static Task<TestServiceHost> Start(
        TestLane lane, string apiKey, IEnumerable<KeyValuePair<string, string?>>? settings = null, Action<IServiceCollection>? replaceServices = null)
    {
        var builder = TestHostBuilder.For(Recipe, lane).WithApiKey(apiKey).WithSettings(settings);
        if (replaceServices is not null)
            builder.ReplaceServices(replaceServices);
        return builder.Start();
    }
}
