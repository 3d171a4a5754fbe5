using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Sync.ServiceDefaults;

namespace Sync.Testing.Hosting;

/// <summary>
/// A service hosted in the test process the way its Program.cs hosts it, on real Kestrel at a free loopback port,
/// against the real broker and Redis (or embedded, in memory).
/// </summary>
public sealed class TestServiceHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestServiceHost(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
        Http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
    }

    public Uri Address { get; }

    /// <summary>A client for the service's HTTP API.</summary>
    public HttpClient Http { get; }

    public IServiceProvider Services => _app.Services;

    public T Service<T>()
        where T : notnull => _app.Services.GetRequiredService<T>();

    /// <param name="serviceName">As in Program.cs, such as "sync-evaluator".</param>
    /// <param name="settings">Configuration on top of the defaults: the virtual host, the key prefix, the service's own knobs.</param>
    /// <param name="addServices">What Program.cs adds after AddServiceDefaults: the service and the bus with its consumers.</param>
    /// <param name="mapEndpoints">What Program.cs maps after MapDefaultEndpoints.</param>
    /// <param name="environment">The hosting environment; "Testing" accepts the public development API key, as Development does.</param>
    internal static async Task<TestServiceHost> Start(
        string serviceName,
        IEnumerable<KeyValuePair<string, string?>> settings,
        Action<WebApplicationBuilder> addServices,
        Action<WebApplication> mapEndpoints,
        int? port = null,
        string environment = "Testing")
    {
        var listenPort = port ?? FreePorts.Next();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = environment,
            ContentRootPath = AppContext.BaseDirectory,
        });
        // Only the test's settings: an appsettings.json copied into the test's output by a referenced service (the embedded
        // host's says "Embedded") must not decide how this service runs.
        foreach (var appSettings in builder.Configuration.Sources.OfType<Microsoft.Extensions.Configuration.Json.JsonConfigurationSource>().ToList())
            builder.Configuration.Sources.Remove(appSettings);
        builder.Configuration.AddInMemoryCollection(settings);
        builder.WebHost.UseUrls(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{listenPort}"));
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddServiceDefaults(serviceName);
        addServices(builder);

        var app = builder.Build();
        app.MapDefaultEndpoints();
        mapEndpoints(app);
        await app.StartAsync();
        return new TestServiceHost(app, new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{listenPort}/")));
    }

    /// <summary>
    /// Waits until the service's bus and every receive endpoint are up: only then are the queues a plain-JSON upstream
    /// publishes to bound (MassTransit starts the bus after the host has started).
    /// </summary>
    public Task UntilBusReady() =>
        Eventually.True(() => Service<MassTransit.IBusControl>().CheckHealth().Status == MassTransit.BusHealthStatus.Healthy,
            "the bus and its receive endpoints to be ready");

    /// <summary>
    /// How long a stop may take before the host is left behind. MassTransit 8.5's bus stop can wait for ever on a receive
    /// endpoint that is still declaring its topology (seen twice in about ten runs of the worker's tests on a loaded machine:
    /// an exchange declare waiting on its channel, deaf to the host's shutdown timeout), which would hang the whole run.
    /// </summary>
    private static readonly TimeSpan StopLimit = TimeSpan.FromSeconds(60);

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        var stopping = _app.StopAsync();
        if (await Task.WhenAny(stopping, Task.Delay(StopLimit)) != stopping)
        {
            // Its virtual host and key prefix are deleted by their owners, which ends whatever it still waits for.
            await Console.Error.WriteLineAsync(
                $"TestServiceHost {Address}: the host did not stop within {StopLimit.TotalSeconds:0} s (MassTransit's bus stop is waiting); left behind");
            return;
        }
        await stopping;
        await _app.DisposeAsync();
    }
}
