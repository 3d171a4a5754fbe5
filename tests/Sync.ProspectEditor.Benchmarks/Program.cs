using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Sync.ProspectEditor.Imports;
using Sync.ProspectEditor.Tests.Support;
using Sync.Testing;
using Sync.Testing.Hosting;

// A CSV import streams: its memory must not grow with the file. This imports files of 10,000 and 100,000 rows into
// prospect-editor (hosted here, on the real Redis and RabbitMQ, in a virtual host and key prefix of its own), sampling
// the managed heap while each runs, and prints peak memory, allocations and throughput, with the 100k/10k ratios.
var sizes = args.Length > 0 ? args.Select(arg => int.Parse(arg, CultureInfo.InvariantCulture)).ToArray() : [10_000, 100_000];

await using var lane = await TestLane.Servers("import-benchmark");
await using var editor = await EditorHost.Start(lane, "benchmark-api-key", new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Warning" });
editor.Http.Timeout = TimeSpan.FromMinutes(10);

await Import(editor.Http, 2_000, "warm-up");
Console.WriteLine($"{"rows",9} {"seconds",8} {"rows/s",8} {"peak heap over baseline",24} {"peak working set",17} {"allocated",11} {"alloc/row",10}");
var results = new List<Measurement>();
foreach (var size in sizes)
{
    var measurement = await Import(editor.Http, size, $"run{size}");
    results.Add(measurement);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{measurement.Rows,9:N0} {measurement.Seconds,8:F1} {measurement.Rows / measurement.Seconds,8:N0} {Mb(measurement.PeakHeapOverBaseline),24} {Mb(measurement.PeakWorkingSet),17} {Mb(measurement.Allocated),11} {measurement.Allocated / measurement.Rows,8:N0} B"));
}
if (results.Count >= 2)
{
    var (small, large) = (results[0], results[^1]);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"ratio {large.Rows / small.Rows:F0}x rows: peak heap {large.PeakHeapOverBaseline / (double)small.PeakHeapOverBaseline:F2}x, peak working set {large.PeakWorkingSet / (double)small.PeakWorkingSet:F2}x, allocations {large.Allocated / (double)small.Allocated:F2}x, throughput {(large.Rows / large.Seconds) / (small.Rows / small.Seconds):F2}x"));
}

static string Mb(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024d / 1024d:F1} MiB");

static async Task<Measurement> Import(HttpClient http, int rows, string tag)
{
    GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
    GC.WaitForPendingFinalizers();
    var baseline = GC.GetTotalMemory(forceFullCollection: true);
    var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
    long peakHeap = 0, peakWorkingSet = 0;
    using var sampling = new CancellationTokenSource();
    var sampler = Task.Run(async () =>
    {
        using var process = Process.GetCurrentProcess();
        while (!sampling.IsCancellationRequested)
        {
            peakHeap = Math.Max(peakHeap, GC.GetTotalMemory(forceFullCollection: false));
            process.Refresh();
            peakWorkingSet = Math.Max(peakWorkingSet, process.WorkingSet64);
            await Task.Delay(10);
        }
    });

    var clock = Stopwatch.StartNew();
    using var response = await http.PostAsync("imports", new GeneratedCsv(rows, tag));
    clock.Stop();
    await sampling.CancelAsync();
    await sampler;
    if (response.StatusCode != HttpStatusCode.Created)
        throw new InvalidOperationException($"The import answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    var report = (await response.Content.ReadFromJsonAsync<ImportReport>())!;
    if (report.Created != rows)
        throw new InvalidOperationException($"The import created {report.Created} prospects of {rows}.");
    return new Measurement(rows, clock.Elapsed.TotalSeconds, Math.Max(0, peakHeap - baseline), peakWorkingSet,
        GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore);
}

internal sealed record Measurement(int Rows, double Seconds, long PeakHeapOverBaseline, long PeakWorkingSet, long Allocated);

/// <summary>A CSV file written as it is sent, so the client holds no more of it than the server does.</summary>
internal sealed class GeneratedCsv : HttpContent
{
    private readonly int _rows;
    private readonly string _tag;

    public GeneratedCsv(int rows, string tag)
    {
        _rows = rows;
        _tag = tag;
        Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv") { CharSet = "utf-8" };
    }

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        await using var writer = new StreamWriter(stream, new UTF8Encoding(false), 64 * 1024, leaveOpen: true);
        await writer.WriteAsync("email,first name,last name,company,city,country\n");
        for (var row = 0; row < _rows; row++)
        {
            await writer.WriteAsync(string.Create(CultureInfo.InvariantCulture,
                $"person{row}.{_tag}@example.com,Zoë {row},Müller,\"Acme, Inc. {row % 97}\",\"City\nLine {row % 13}\",NO\n"));
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
