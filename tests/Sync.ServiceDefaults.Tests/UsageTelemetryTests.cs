using Sync.ServiceDefaults.Tests.Processes;
using Sync.Testing;
using Sync.Testing.Hosting;

namespace Sync.ServiceDefaults.Tests;

/// <summary>
/// Sync calls no host its configuration does not name: MassTransit's usage report to its vendor goes only when
/// UsageTelemetry:Enabled turns it on. Each service process is pointed at its own loopback proxy, which records the
/// HTTPS call the report would make and refuses it, so nothing reaches the internet.
/// </summary>
public sealed class UsageTelemetryTests : IAsyncLifetime
{
    private ServerLane _lane = null!;
    private IsolatedVirtualHost _broker = null!;
    private IsolatedKeyPrefix _redis = null!;

    public async Task InitializeAsync()
    {
        _lane = await TestLane.Servers("usage-telemetry");
        (_broker, _redis) = (_lane.Broker, _lane.Redis);
    }

    public async Task DisposeAsync()
    {
        await _lane.DisposeAsync();
    }

    [Fact]
    public async Task UsageReportIsSentOnlyWhenUsageTelemetryIsTurnedOn()
    {
        // MassTransit's shortest report delay: it does not go below 30 seconds.
        var settings = TestSettings.Combine(_broker.Settings, _redis.Settings, new Dictionary<string, string?> { ["UsageTelemetry:ReportDelay"] = "00:00:30" });
        await using var offProxy = new HttpsProxyRecorder();
        await using var onProxy = new HttpsProxyRecorder();

        await using var off = ServiceRun.Start("sync-evaluator", "Sync.SyncEvaluator", settings, Proxied(offProxy));
        await UntilReady(off);
        // Started after the other was ready, with the same delay: once this one has reported, the other's delay is over too.
        await using var on = ServiceRun.Start("sync-evaluator", "Sync.SyncEvaluator",
            TestSettings.Combine(settings, new Dictionary<string, string?> { ["UsageTelemetry:Enabled"] = "true" }), Proxied(onProxy));
        await UntilReady(on);

        var attempt = await Eventually.Until(() => Task.FromResult(onProxy.Requests.FirstOrDefault()), "the usage report through the proxy", TimeSpan.FromSeconds(120));

        Assert.StartsWith("CONNECT usage-tracking.masstransit.io:443 ", attempt, StringComparison.Ordinal);
        Assert.Empty(offProxy.Requests);
    }

    private static Dictionary<string, string> Proxied(HttpsProxyRecorder proxy) => new()
    {
        ["HTTPS_PROXY"] = proxy.Address.ToString(),
        ["https_proxy"] = proxy.Address.ToString(),
        ["ALL_PROXY"] = "",
        ["all_proxy"] = "",
        ["NO_PROXY"] = "",
        ["no_proxy"] = "",
    };

    private static Task UntilReady(ServiceRun service) =>
        Eventually.True(async () =>
        {
            using var ready = await service.Http.GetAsync("health/ready");
            return ready.IsSuccessStatusCode;
        }, "the service to be ready", TimeSpan.FromSeconds(60));
}
