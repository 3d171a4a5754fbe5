using System.Diagnostics;
using System.Globalization;
using Sync.Testing;

namespace Sync.ServiceDefaults.Tests.Processes;

/// <summary>
/// One service run as its own process from its build output (`dotnet Sync.X.dll`), as deployed, with only the environment a
/// test gives it: what it prints, whether and how it exits, and its HTTP port. Unlike the end-to-end suite's processes it
/// is not expected to become ready: these tests watch services that must refuse to start, or cannot reach a server.
/// </summary>
public sealed class ServiceRun : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];

    private ServiceRun(Process process, Uri address)
    {
        _process = process;
        Address = address;
        Http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        _process.OutputDataReceived += (_, line) => Keep(line.Data);
        _process.ErrorDataReceived += (_, line) => Keep(line.Data);
    }

    /// <summary>The services the tests can run: each service's folder under services/ and its assembly.</summary>
    public static TheoryData<string, string> Services => new()
    {
        { "activity-tracker", "Sync.ActivityTracker" },
        { "prospect-editor", "Sync.ProspectEditor" },
        { "sync-evaluator", "Sync.SyncEvaluator" },
        { "sync-worker", "Sync.SyncWorker" },
        { "crm-simulator", "Sync.CrmSimulator" },
        { "crm-change-listener", "Sync.CrmChangeListener" },
        { "embedded", "Sync.Embedded" },
    };

    public Uri Address { get; }

    public HttpClient Http { get; }

    /// <summary>Every line the process printed so far, standard output and error together.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
                return _lines.ToList();
        }
    }

    public string Output => string.Join(Environment.NewLine, Lines);

    /// <param name="directory">The service's folder under services/, such as "sync-evaluator".</param>
    /// <param name="assembly">Its assembly name, such as "Sync.SyncEvaluator".</param>
    /// <param name="settings">Configuration keys ("RabbitMq:Port") and values, passed as environment variables.</param>
    public static ServiceRun Start(string directory, string assembly, IEnumerable<KeyValuePair<string, string?>> settings,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var address = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{FreePorts.Next()}/"));
        var start = BuiltService.StartInfo(directory, assembly, address, settings, environment ?? new Dictionary<string, string>(),
            "build this test project (it builds the services) first");

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var run = new ServiceRun(process, address);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return run;
    }

    /// <summary>Waits for the process to exit by itself and returns its exit code; fails, with what it printed, if it keeps running.</summary>
    public async Task<int> ExitCode(TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The service kept running; it printed:{Environment.NewLine}{Output}");
        }
        // The exit can be seen before the last redirected lines are read; the parameterless wait drains them.
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>Waits until at least <paramref name="count"/> printed lines satisfy <paramref name="match"/>, and returns them.</summary>
    public Task<IReadOnlyList<string>> LinesMatching(Func<string, bool> match, int count, string waitingFor, TimeSpan? timeout = null) =>
        Eventually.Until<IReadOnlyList<string>>(() =>
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"The service exited with {_process.ExitCode}:{Environment.NewLine}{Output}");
            var matching = Lines.Where(match).ToList();
            return Task.FromResult<IReadOnlyList<string>?>(matching.Count >= count ? matching : null);
        }, waitingFor, timeout ?? TimeSpan.FromSeconds(60));

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await BuiltService.Stop(_process);
    }

    private void Keep(string? line)
    {
        if (line is null)
            return;
        lock (_lines)
            _lines.Add(line);
    }
}
