using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Sync.EndToEnd.Tests.Infrastructure;
using Sync.Testing;
using Sync.Testing.Hosting;

// From a form submission to the CRM, one change at a time at idle. crm-simulator, prospect-editor, sync-evaluator,
// sync-worker and activity-tracker run as processes from their build output, on the real RabbitMQ and Redis (a virtual
// host and key prefix per run). Each submission posts a form from a new address to activity-tracker and polls the
// crm-simulator (as the sales user, every 5 ms) until the Lead exists; the next goes once it does. Two runs, the same but
// for one setting: the worker's fixed one-second batch window of earlier versions (SyncWorker:MinimumBatchAge=00:00:01),
// then the default (a batch goes as soon as the allowance grants its calls).
//   dotnet run -c Release --project tests/Sync.SyncLatency.Benchmarks [-- <submissions per run, 20>]
var submissions = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20;
const int WarmUp = 3;
const string ApiKey = "latency-benchmark-key";

var window = await Measure("fixed 1 s batch window (MinimumBatchAge=00:00:01)", new() { ["SyncWorker:MinimumBatchAge"] = "00:00:01" });
var atOnce = await Measure("batch when the pacing grants (default)", []);

Console.WriteLine();
Console.WriteLine($"form submission -> Lead in the CRM, {submissions} submissions one after another at idle (ms)");
Console.WriteLine($"{"run",-52} {"min",8} {"median",8} {"max",8}");
foreach (var run in new[] { window, atOnce })
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{run.Name,-52} {run.Min,8:F0} {run.Median,8:F0} {run.Max,8:F0}"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"median, window / default: {window.Median / atOnce.Median:F1}x"));

async Task<Run> Measure(string name, Dictionary<string, string?> settings)
{
    Console.Write($"{name}: starting the services, ");
    await using var lane = await TestLane.Servers("latency");
    var services = new (string Directory, string Assembly)[]
    {
        ("crm-simulator", "Sync.CrmSimulator"),
        ("prospect-editor", "Sync.ProspectEditor"),
        ("sync-evaluator", "Sync.SyncEvaluator"),
        ("sync-worker", "Sync.SyncWorker"),
        ("activity-tracker", "Sync.ActivityTracker"),
    };
    var ports = services.ToDictionary(service => service.Directory, _ => FreePorts.Next());
    string Url(string directory) => string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{ports[directory]}");
    var configuration = TestSettings.Combine(lane.Settings, new Dictionary<string, string?>
    {
        ["Sync:ApiKey"] = ApiKey,
        ["Services:ProspectEditor:Url"] = Url("prospect-editor"),
        ["Services:Crm:Url"] = Url("crm-simulator"),
        ["Logging:LogLevel:Default"] = "Warning",
    }, settings);
    var started = await Task.WhenAll(services.Select(service => ServiceProcess.Start(service.Directory, service.Assembly, ports[service.Directory], configuration)));
    try
    {
        var tracker = started.Single(service => service.Name == "activity-tracker");
        var crm = started.Single(service => service.Name == "crm-simulator");
        crm.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "sales-user-token");

        Console.Write("warming up, ");
        for (var i = 0; i < WarmUp; i++)
            await SubmitAndWait(tracker, crm);
        Console.Write("measuring... ");
        var times = new List<double>();
        for (var i = 0; i < submissions; i++)
            times.Add((await SubmitAndWait(tracker, crm)).TotalMilliseconds);
        times.Sort();
        var run = new Run(name, times[0], Median(times), times[^1]);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"median {run.Median:F0} ms"));
        return run;
    }
    finally
    {
        await Task.WhenAll(started.Select(service => service.DisposeAsync().AsTask()));
    }
}

static async Task<TimeSpan> SubmitAndWait(ServiceProcess tracker, ServiceProcess crm)
{
    var email = $"latency-{Guid.NewGuid():N}@example.com";
    var clock = Stopwatch.StartNew();
    using (var response = await tracker.Http.PostAsJsonAsync("forms/contact-us/submissions",
        new { email, fields = new Dictionary<string, string> { ["firstName"] = "Ada", ["lastName"] = "Lovelace", ["company"] = "Analytical" } }))
    {
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"The form submission answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }
    var soql = Uri.EscapeDataString($"SELECT Id FROM Lead WHERE Email = '{email}'");
    while (true)
    {
        var answer = await crm.Http.GetFromJsonAsync<JsonElement>($"services/data/v60.0/query?q={soql}");
        if (answer.GetProperty("totalSize").GetInt32() > 0)
            return clock.Elapsed;
        if (clock.Elapsed > TimeSpan.FromSeconds(30))
            throw new TimeoutException($"No Lead in the CRM 30 s after the form submission:{Environment.NewLine}{string.Join(Environment.NewLine, crm.RecentOutput)}");
        await Task.Delay(5);
    }
}

static double Median(List<double> sorted) =>
    sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;

internal sealed record Run(string Name, double Min, double Median, double Max);
