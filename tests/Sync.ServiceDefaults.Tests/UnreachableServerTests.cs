using System.Globalization;
using System.Net;
using System.Text.Json;
using Sync.ServiceDefaults.Tests.Processes;
using Sync.Testing;
using Sync.Testing.Hosting;

namespace Sync.ServiceDefaults.Tests;

/// <summary>
/// A service that cannot reach RabbitMQ or Redis at start keeps running and trying, says so with host and port at its
/// stated interval, and answers not ready while alive; once the server answers at that address, the service is ready.
/// </summary>
public sealed class UnreachableServerTests : IAsyncLifetime
{
    private static readonly TimeSpan ReportInterval = TimeSpan.FromSeconds(1);

    private ServerLane _lane = null!;
    private IsolatedVirtualHost _broker = null!;
    private IsolatedKeyPrefix _redis = null!;

    public async Task InitializeAsync()
    {
        _lane = await TestLane.Servers("unreachable");
        (_broker, _redis) = (_lane.Broker, _lane.Redis);
    }

    public async Task DisposeAsync()
    {
        await _lane.DisposeAsync();
    }

    [Fact]
    public async Task ServiceThatCannotReachTheBrokerSaysWhereAtItsIntervalIsNotReadyAndBecomesReadyOnceItAnswers()
    {
        var port = FreePorts.NextStable();
        await using var service = ServiceRun.Start("sync-evaluator", "Sync.SyncEvaluator", TestSettings.Combine(_broker.Settings, _redis.Settings,
            new Dictionary<string, string?> { ["RabbitMq:Host"] = "127.0.0.1", ["RabbitMq:Port"] = port.ToString(CultureInfo.InvariantCulture), [IntervalKey] = Interval }));

        await AssertReportedAtTheInterval(service, $"Cannot reach RabbitMQ at 127.0.0.1:{port}");
        await AssertAliveButNotReady(service, "masstransit-bus");

        await using var broker = new LoopbackForwarder(port, TestEnvironment.RabbitMqHost, TestEnvironment.RabbitMqPort);
        await AssertReadyAgain(service, $"RabbitMQ at 127.0.0.1:{port}");
    }

    [Fact]
    public async Task ServiceThatCannotReachRedisSaysWhereAtItsIntervalIsNotReadyAndBecomesReadyOnceItAnswers()
    {
        var port = FreePorts.NextStable();
        await using var service = ServiceRun.Start("sync-evaluator", "Sync.SyncEvaluator", TestSettings.Combine(_broker.Settings, _redis.Settings,
            new Dictionary<string, string?> { ["Redis:ConnectionString"] = $"127.0.0.1:{port}", [IntervalKey] = Interval }));

        await AssertReportedAtTheInterval(service, $"Cannot reach Redis at 127.0.0.1:{port}");
        await AssertAliveButNotReady(service, "redis");

        var redis = TestEnvironment.Redis.Split(':');
        await using var server = new LoopbackForwarder(port, redis[0], int.Parse(redis[1], CultureInfo.InvariantCulture));
        await AssertReadyAgain(service, $"Redis at 127.0.0.1:{port}");
    }

    private const string IntervalKey = "Sync:UnreachableReportInterval";

    private static string Interval => ReportInterval.ToString("c", CultureInfo.InvariantCulture);

    private static async Task AssertReportedAtTheInterval(ServiceRun service, string report)
    {
        var reports = await service.LinesMatching(line => line.Contains(report, StringComparison.Ordinal), 3, $"three reports of \"{report}\"");

        // Steady, not a flood (a report per reconnect attempt would be many per interval). The reports come from the health
        // publisher's timer, which keeps its schedule after a late tick, so on a loaded machine one gap can be shorter than the
        // interval by as much as the tick was late: only half an interval is asserted, from the lines' own UTC timestamps.
        var times = reports.Select(line => DateTimeOffset.Parse(line[..24], CultureInfo.InvariantCulture)).ToList();
        foreach (var (earlier, later) in times.Zip(times.Skip(1)))
            Assert.True(later - earlier >= ReportInterval * 0.5, $"Reports {earlier:O} and {later:O} came closer than half the interval:{Environment.NewLine}{service.Output}");
    }

    // The clients retry with their own back-off (MassTransit's grows to tens of seconds): a generous deadline, no timing asserted.
    private static async Task AssertReadyAgain(ServiceRun service, string server)
    {
        await Eventually.True(async () =>
        {
            using var ready = await service.Http.GetAsync("health/ready");
            return ready.IsSuccessStatusCode;
        }, $"the service to be ready once {server} answers", TimeSpan.FromSeconds(120));
        await service.LinesMatching(line => line.Contains(server, StringComparison.Ordinal) && line.Contains("answers again", StringComparison.Ordinal), 1, $"the report that {server} answers again");
    }

    private static async Task AssertAliveButNotReady(ServiceRun service, string check)
    {
        using var live = await service.Http.GetAsync("health/live");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);

        using var ready = await service.Http.GetAsync("health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        var report = JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Unhealthy", report.GetProperty("checks").GetProperty(check).GetProperty("status").GetString());
    }
}
