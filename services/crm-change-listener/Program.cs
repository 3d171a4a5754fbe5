using Sync.CrmChangeListener.Apis;
using Sync.CrmChangeListener.Extensions;
using Sync.ServiceDefaults;
using Sync.ServiceDefaults.Messaging;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("crm-change-listener", defaultHttpPort: 5106);
builder.AddCrmChangeListener();
builder.AddSyncBus(bus => bus.AddCrmChangeListenerConsumers());

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapCrmChangeListenerApi();
app.Run();
