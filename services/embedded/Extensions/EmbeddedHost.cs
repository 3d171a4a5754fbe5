using Sync.ActivityTracker.Apis;
using Sync.ActivityTracker.Extensions;
using Sync.CrmChangeListener.Apis;
using Sync.CrmChangeListener.Extensions;
using Sync.CrmSimulator.Apis;
using Sync.CrmSimulator.Extensions;
using Sync.Embedded.Configuration;
using Sync.Embedded.Demo;
using Sync.ProspectEditor.Apis;
using Sync.ProspectEditor.Extensions;
using Sync.ServiceDefaults;
using Sync.ServiceDefaults.Messaging;
using Sync.ServiceDefaults.Settings;
using Sync.SyncEvaluator.Apis;
using Sync.SyncEvaluator.Extensions;
using Sync.SyncWorker.Apis;
using Sync.SyncWorker.Extensions;

namespace Sync.Embedded.Extensions;

/// <summary>
/// Every service in one container: one in-memory bus carrying every service's consumers, in-memory stores, and each
/// service's API on its own port, as when it runs alone.
/// </summary>
internal static class EmbeddedHost
{
    public static EmbeddedPorts AddEveryService(this WebApplicationBuilder builder, bool demo)
    {
        builder.Configuration[$"{SyncOptions.Section}:{nameof(SyncOptions.Mode)}"] = nameof(SyncMode.Embedded);
        if (demo)
        {
            // The demo prints its own table; the services' routine log lines would interleave with it.
            builder.Configuration["Logging:LogLevel:Sync"] = "Warning";
            builder.Configuration["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning";
        }

        // A port that is not a number would make the binder throw here, before the settings check can name it: the defaults
        // stand in until that check, after Build, reports the key and stops the process.
        var ports = SettingProblems.OfConversion(builder.Configuration, EmbeddedPorts.Section, typeof(EmbeddedPorts)).Count == 0
            ? builder.Configuration.GetSection(EmbeddedPorts.Section).Get<EmbeddedPorts>() ?? new EmbeddedPorts()
            : new EmbeddedPorts();
        builder.WebHost.UseUrls(ports.All.Select(port => $"http://localhost:{port}").ToArray());
        builder.Configuration["Services:ProspectEditor:Url"] ??= $"http://localhost:{ports.ProspectEditor}";
        builder.Configuration["Services:Crm:Url"] ??= $"http://localhost:{ports.CrmSimulator}";
        builder.Services.AddOptions<EmbeddedPorts>().BindSettings(EmbeddedPorts.Section);

        builder.AddServiceDefaults("sync-embedded");
        builder.AddActivityTracker();
        builder.AddProspectEditor();
        builder.AddSyncEvaluator();
        builder.AddSyncWorker();
        builder.AddCrmSimulator();
        builder.AddCrmChangeListener();
        builder.AddSyncBus(bus => bus
            .AddActivityTrackerConsumers()
            .AddProspectEditorConsumers()
            .AddSyncEvaluatorConsumers()
            .AddSyncWorkerConsumers()
            .AddCrmSimulatorConsumers()
            .AddCrmChangeListenerConsumers());
        if (demo)
            builder.Services.AddHostedService<DemoScenario>();
        return ports;
    }

    public static WebApplication MapEveryServiceApi(this WebApplication app, EmbeddedPorts ports)
    {
        app.MapActivityTrackerApi().RequireHost($"*:{ports.ActivityTracker}");
        app.MapProspectEditorApi().RequireHost($"*:{ports.ProspectEditor}");
        app.MapSyncEvaluatorApi().RequireHost($"*:{ports.SyncEvaluator}");
        app.MapSyncWorkerApi().RequireHost($"*:{ports.SyncWorker}");
        app.MapCrmSimulatorApi().RequireHost($"*:{ports.CrmSimulator}");
        app.MapCrmChangeListenerApi().RequireHost($"*:{ports.CrmChangeListener}");
        return app;
    }
}
