using Sync.Embedded;
using Sync.ServiceDefaults;

var demo = args.Contains("demo", StringComparer.OrdinalIgnoreCase);
var builder = WebApplication.CreateBuilder(args.Where(arg => !arg.Equals("demo", StringComparison.OrdinalIgnoreCase)).ToArray());
var ports = builder.AddEveryService(demo);

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapEveryServiceApi(ports);
await app.RunAsync();
return demo ? DemoScenario.ExitCode : 0;
