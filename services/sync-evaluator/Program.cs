using Sync.SyncEvaluator.Apis;
using Sync.SyncEvaluator.Consumers;
using Sync.SyncEvaluator.Extensions;
using Sync.ServiceDefaults;
using Sync.ServiceDefaults.Messaging;
using Sync.ServiceDefaults.Settings;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("sync-evaluator", defaultHttpPort: 5103);
builder.AddSyncEvaluator();
builder.AddSyncBus(bus => bus.AddSyncEvaluatorConsumers(), (context, rabbit) => rabbit.AddSyncEvaluatorJsonEntryPoints(context));

var app = builder.Build();
if (!app.HasValidSettings())
    return 1;
app.MapDefaultEndpoints();
app.MapSyncEvaluatorApi();
await app.RunAsync();
return 0;
