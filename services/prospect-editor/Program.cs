using Sync.ProspectEditor.Apis;
using Sync.ProspectEditor.Extensions;
using Sync.ServiceDefaults;
using Sync.ServiceDefaults.Messaging;
using Sync.ServiceDefaults.Settings;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("prospect-editor", defaultHttpPort: 5102);
builder.AddProspectEditor();
builder.AddSyncBus(bus => bus.AddProspectEditorConsumers());

var app = builder.Build();
if (!app.HasValidSettings())
    return 1;
app.MapDefaultEndpoints();
app.MapProspectEditorApi();
await app.RunAsync();
return 0;
