using System.Diagnostics;
using System.Globalization;
using Sync.Contracts;
using Sync.SyncWorker.Options;
using Sync.SyncWorker.Tests.RealServices;

// What batching buys against the CRM's allowance and the clock. The worker syncs N new prospects (each a Lead to create)
// into the real crm-simulator, reading and writing them through the real prospect-editor, on the real RabbitMQ and Redis
// (each run in a virtual host, key prefix and simulator of its own): first with its configured batching, then with
// BatchSize=1, the baseline of a connector that calls the CRM per prospect. Everything else is the same in both runs.
//   dotnet run -c Release --project tests/Sync.SyncWorker.Benchmarks [-- <prospects, 1000> [<ms of latency the CRM adds to every call, 0>]]
// The in-process hosts are named after their services, not after an assembly a hosting startup could be loaded from.
Environment.SetEnvironmentVariable("ASPNETCORE_PREVENTHOSTINGSTARTUP", "true");
var prospects = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000;
var crmLatency = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 0;
const int WarmUp = 20;

var defaults = new SyncWorkerOptions();
// The worker paces its calls over the CRM's day after a burst; with a burst larger than the run, pacing is not what is measured.
var common = new Dictionary<string, string?> { ["SyncWorker:Allowance:BurstCalls"] = "100000" };
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"sync-worker: {prospects:N0} prospects, {defaults.ConcurrentBatches} concurrent batches, CRM latency {crmLatency} ms injected per call"));

var batched = await Measure($"batched (BatchSize={defaults.BatchSize})", common);
var baseline = await Measure("per prospect (BatchSize=1)", new Dictionary<string, string?>(common) { ["SyncWorker:BatchSize"] = "1" });

Console.WriteLine();
Console.WriteLine($"{"run",-28} {"CRM calls",10} {"calls/prospect",15} {"batches",8} {"wall time",10} {"prospects/s",12}");
foreach (var run in new[] { batched, baseline })
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{run.Name,-28} {run.CrmCalls,10:N0} {run.CrmCalls / (double)prospects,15:F3} {run.Batches,8:N0} {run.Elapsed.TotalSeconds,9:F2}s {prospects / run.Elapsed.TotalSeconds,12:N0}"));
}
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"baseline / batched: {baseline.CrmCalls / (double)batched.CrmCalls:F1}x the CRM calls, {baseline.Elapsed / batched.Elapsed:F1}x the wall time"));

async Task<Run> Measure(string name, Dictionary<string, string?> settings)
{
    await using var services = await RealServicesHost.Start("worker-benchmark", settings);
    Console.Write($"{name}: warming up, ");
    await services.Sync([.. await services.ImportProspects(WarmUp)]);

    Console.Write($"importing {prospects:N0} prospects, ");
    var requests = (await services.ImportProspects(prospects)).Select(RealServicesHost.Request).ToArray();
    if (crmLatency > 0)
        await services.Crm.SetFaults(new { latencyMilliseconds = crmLatency });
    var usedBefore = (await services.Usage()).Used;
    var batchesBefore = (await services.Worker.Status()).Batches.Batches;

    Console.Write("syncing... ");
    var started = Stopwatch.GetTimestamp();
    await services.Worker.Publish(requests);
    var completions = await services.Worker.Completions(requests, TimeSpan.FromMinutes(5));
    var elapsed = Stopwatch.GetElapsedTime(started, services.Worker.Recorded.LastCompletionTimestamp);

    await services.Crm.ClearFaults();
    var failed = completions.Count(completed => completed.Outcome != SyncOutcome.Synced);
    if (failed > 0)
        throw new InvalidOperationException($"{failed} of {prospects} prospects did not sync in the {name} run: {completions.First(completed => completed.Outcome != SyncOutcome.Synced).Detail}");
    var run = new Run(name, (await services.Usage()).Used - usedBefore, (await services.Worker.Status()).Batches.Batches - batchesBefore, elapsed);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"done in {elapsed.TotalSeconds:F2} s"));
    return run;
}

internal sealed record Run(string Name, int CrmCalls, long Batches, TimeSpan Elapsed);
