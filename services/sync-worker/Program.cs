using Sync.SyncWorker.Apis;
using Sync.SyncWorker.Extensions;
using Sync.ServiceDefaults;
using Sync.ServiceDefaults.Messaging;
using Sync.ServiceDefaults.Settings;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("sync-worker", defaultHttpPort: 5104);
builder.AddSyncWorker();
builder.AddSyncBus(bus => bus.AddSyncWorkerConsumers());

var app = builder.Build();
if (!app.HasValidSettings())
    return 1;
app.MapDefaultEndpoints();
app.MapSyncWorkerApi();
await app.RunAsync();
return 0;
