using Sync.ProspectEditor.Apis;
using Sync.ProspectEditor.Extensions;
using Sync.ServiceDefaults;
using Sync.ServiceDefaults.Messaging;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("prospect-editor", defaultHttpPort: 5102);
builder.AddProspectEditor();
builder.AddSyncBus(bus => bus.AddProspectEditorConsumers());

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapProspectEditorApi();
app.Run();
