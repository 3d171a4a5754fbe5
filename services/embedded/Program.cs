using Sync.Embedded.Demo;
using Sync.Embedded.Extensions;
using Sync.ServiceDefaults;
using Sync.ServiceDefaults.Settings;

var demo = args.Contains("demo", StringComparer.OrdinalIgnoreCase);
var builder = WebApplication.CreateBuilder(args.Where(arg => !arg.Equals("demo", StringComparison.OrdinalIgnoreCase)).ToArray());
var ports = builder.AddEveryService(demo);

var app = builder.Build();
if (!app.HasValidSettings())
    return 1;
app.MapDefaultEndpoints();
app.MapEveryServiceApi(ports);
await app.RunAsync();
return demo ? DemoScenario.ExitCode : 0;
