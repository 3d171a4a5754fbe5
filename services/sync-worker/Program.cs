using Sync.SyncWorker.Apis;
using Sync.SyncWorker.Extensions;
using Sync.ServiceDefaults;
using Sync.ServiceDefaults.Messaging;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("sync-worker", defaultHttpPort: 5104);
builder.AddSyncWorker();
builder.AddSyncBus(bus => bus.AddSyncWorkerConsumers());

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapSyncWorkerApi();
app.Run();
