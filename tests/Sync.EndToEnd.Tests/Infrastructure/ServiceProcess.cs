using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Sync.Testing;

namespace Sync.EndToEnd.Tests.Infrastructure;

/// <summary>
/// One Sync service started as its own process from its build output (`dotnet Sync.X.dll`), the way it is deployed:
/// no `dotnet run`, so several start side by side without racing builds.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private const int OutputLinesKept = 400;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly string _listeningLine;
    private volatile bool _listening;

    private ServiceProcess(string name, Process process, Uri address)
    {
        Name = name;
        _process = process;
        Address = address;
        Http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
        _listeningLine = $"Now listening on: {address.ToString().TrimEnd('/')}";
        _process.OutputDataReceived += (_, line) => Keep(line.Data);
        _process.ErrorDataReceived += (_, line) => Keep(line.Data);
    }

    public string Name { get; }

    public Uri Address { get; }

    public HttpClient Http { get; }

    /// <summary>What the process printed last, for a failing test's message.</summary>
    public string RecentOutput => LastLines(OutputLinesKept);

    public string LastLines(int count) => string.Join(Environment.NewLine, _output.TakeLast(count));

    /// <param name="directory">The service's folder under services/, such as "sync-evaluator".</param>
    /// <param name="assembly">Its assembly name, such as "Sync.SyncEvaluator".</param>
    /// <param name="settings">Configuration keys ("RabbitMq:Port") and values, passed as environment variables.</param>
    public static async Task<ServiceProcess> Start(string directory, string assembly, int port, IEnumerable<KeyValuePair<string, string?>> settings)
    {
        var address = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/"));
        // Kestrel's "Now listening on" line: the proof that what answers on the port is this process.
        var withLifetime = TestSettings.Combine(new Dictionary<string, string?> { ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Information" }, settings);
        var start = BuiltService.StartInfo(directory, assembly, address, withLifetime, [],
            "build Sync.sln (the test command does) before running the end-to-end tests");

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var service = new ServiceProcess(directory, process, address);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            await Eventually.True(async () =>
            {
                if (process.HasExited)
                    throw new InvalidOperationException($"{directory} exited with code {process.ExitCode}:{Environment.NewLine}{service.RecentOutput}");
                if (!service._listening)
                    return false;
                using var ready = await service.Http.GetAsync("health/ready");
                return ready.IsSuccessStatusCode;
            }, $"{directory} to report ready on {address}", TimeSpan.FromSeconds(90));
        }
        catch
        {
            var recent = service.RecentOutput;
            await service.DisposeAsync();
            throw new InvalidOperationException($"{directory} did not become ready. Its output:{Environment.NewLine}{recent}");
        }
        return service;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await BuiltService.Stop(_process);
    }

    private void Keep(string? line)
    {
        if (line is null)
            return;
        _output.Enqueue(line);
        if (line.Contains(_listeningLine, StringComparison.Ordinal))
            _listening = true;
        while (_output.Count > OutputLinesKept && _output.TryDequeue(out _))
        {
        }
    }

}
