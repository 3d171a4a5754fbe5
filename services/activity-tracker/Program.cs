using Sync.ActivityTracker.Apis;
using Sync.ActivityTracker.Extensions;
using Sync.ServiceDefaults;
using Sync.ServiceDefaults.Messaging;
using Sync.ServiceDefaults.Settings;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("activity-tracker", defaultHttpPort: 5101);
builder.AddActivityTracker();
builder.AddSyncBus(bus => bus.AddActivityTrackerConsumers());

var app = builder.Build();
if (!app.HasValidSettings())
    return 1;
app.MapDefaultEndpoints();
app.MapActivityTrackerApi();
await app.RunAsync();
return 0;
