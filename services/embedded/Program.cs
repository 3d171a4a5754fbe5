using Sync.ActivityTracker.Apis;
using Sync.ActivityTracker.Extensions;
using Sync.CrmChangeListener.Apis;
using Sync.CrmChangeListener.Extensions;
using Sync.CrmSimulator.Apis;
using Sync.CrmSimulator.Extensions;
using Sync.Embedded;
using Sync.ProspectEditor.Apis;
using Sync.ProspectEditor.Extensions;
using Sync.ServiceDefaults;
using Sync.ServiceDefaults.Messaging;
using Sync.SyncEvaluator.Apis;
using Sync.SyncEvaluator.Extensions;
using Sync.SyncWorker.Apis;
using Sync.SyncWorker.Extensions;

var demo = args.Contains("demo", StringComparer.OrdinalIgnoreCase);
var builder = WebApplication.CreateBuilder(args.Where(arg => !arg.Equals("demo", StringComparison.OrdinalIgnoreCase)).ToArray());
builder.Configuration["Sync:Mode"] = nameof(SyncMode.Embedded);
if (demo)
{
    // The demo prints its own table; the services' routine log lines would interleave with it.
    builder.Configuration["Logging:LogLevel:Sync"] = "Warning";
    builder.Configuration["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning";
}
var ports = builder.Configuration.GetSection(EmbeddedPorts.Section).Get<EmbeddedPorts>() ?? new EmbeddedPorts();
builder.WebHost.UseUrls(ports.All.Select(port => $"http://localhost:{port}").ToArray());
builder.Configuration["Services:ProspectEditor:Url"] ??= $"http://localhost:{ports.ProspectEditor}";
builder.Configuration["Services:Crm:Url"] ??= $"http://localhost:{ports.CrmSimulator}";

builder.Services.AddOptions<EmbeddedPorts>().BindConfiguration(EmbeddedPorts.Section);
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

var app = builder.Build();
app.MapDefaultEndpoints();
// Each service keeps its own port, as when it runs alone.
app.MapActivityTrackerApi().RequireHost($"*:{ports.ActivityTracker}");
app.MapProspectEditorApi().RequireHost($"*:{ports.ProspectEditor}");
app.MapSyncEvaluatorApi().RequireHost($"*:{ports.SyncEvaluator}");
app.MapSyncWorkerApi().RequireHost($"*:{ports.SyncWorker}");
app.MapCrmSimulatorApi().RequireHost($"*:{ports.CrmSimulator}");
app.MapCrmChangeListenerApi().RequireHost($"*:{ports.CrmChangeListener}");
await app.RunAsync();
return DemoScenario.ExitCode;
