using Sync.SyncEvaluator.Apis;
using Sync.SyncEvaluator.Extensions;
using Sync.ServiceDefaults;
using Sync.ServiceDefaults.Messaging;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("sync-evaluator");
builder.AddSyncEvaluator();
builder.AddSyncBus(bus => bus.AddSyncEvaluatorConsumers());

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapSyncEvaluatorApi();
app.Run();
