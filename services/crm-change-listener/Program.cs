using Sync.CrmChangeListener.Apis;
using Sync.CrmChangeListener.Extensions;
using Sync.ServiceDefaults;
using Sync.ServiceDefaults.Messaging;
using Sync.ServiceDefaults.Settings;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("crm-change-listener", defaultHttpPort: 5106);
builder.AddCrmChangeListener();
builder.AddSyncBus(bus => bus.AddCrmChangeListenerConsumers());

var app = builder.Build();
if (!app.HasValidSettings())
    return 1;
app.MapDefaultEndpoints();
app.MapCrmChangeListenerApi();
await app.RunAsync();
return 0;
