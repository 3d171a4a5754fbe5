using Sync.ActivityTracker.Apis;
using Sync.ActivityTracker.Extensions;
using Sync.ServiceDefaults;
using Sync.ServiceDefaults.Messaging;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("activity-tracker", defaultHttpPort: 5101);
builder.AddActivityTracker();
builder.AddSyncBus(bus => bus.AddActivityTrackerConsumers());

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapActivityTrackerApi();
app.Run();
