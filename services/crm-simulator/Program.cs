using Sync.CrmSimulator.Apis;
using Sync.CrmSimulator.Extensions;
using Sync.ServiceDefaults;
using Sync.ServiceDefaults.Messaging;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("crm-simulator", defaultHttpPort: 5105);
builder.AddCrmSimulator();
builder.AddSyncBus(bus => bus.AddCrmSimulatorConsumers());

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapCrmSimulatorApi();
app.Run();
