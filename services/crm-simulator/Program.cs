using Sync.CrmSimulator.Apis;
using Sync.CrmSimulator.Extensions;
using Sync.ServiceDefaults;
using Sync.ServiceDefaults.Messaging;
using Sync.ServiceDefaults.Settings;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("crm-simulator", defaultHttpPort: 5105);
builder.AddCrmSimulator();
builder.AddSyncBus(bus => bus.AddCrmSimulatorConsumers());

var app = builder.Build();
if (!app.HasValidSettings())
    return 1;
app.MapDefaultEndpoints();
app.MapCrmSimulatorApi();
await app.RunAsync();
return 0;
