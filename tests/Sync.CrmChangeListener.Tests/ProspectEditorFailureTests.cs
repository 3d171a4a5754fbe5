using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sync.CrmChangeListener.Feed;
using Sync.CrmChangeListener.Tests.Support;
using Sync.CrmSimulator.Tests.Support;
using Sync.Testing;

namespace Sync.CrmChangeListener.Tests;

/// <summary>A failure later in a batch (here, finding a prospect) is retried from the saved position with a back-off that grows.</summary>
public sealed class ProspectEditorFailureTests : IAsyncLifetime
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromMilliseconds(500);

    private readonly FakeProspectEditor _prospects = new();
    private readonly CapturedLogs _logs = new();
    private IsolatedVirtualHost _broker = null!;
    private IsolatedKeyPrefix _redis = null!;
    private SimulatorHost _crm = null!;
    private ListenerHost _listener = null!;

    public async Task InitializeAsync()
    {
        _broker = await (await RabbitMqBroker.Shared()).CreateVirtualHost("crm-listener-editor-failure");
        _redis = (await RedisTestServer.Shared()).CreateKeyPrefix("crm-listener-editor-failure");
        _crm = await SimulatorHost.Start(_redis.Settings);
        _listener = await ListenerHost.Start(_broker, _redis, _crm, _prospects,
            new Dictionary<string, string?>
            {
                ["CrmFeed:FirstRetryDelay"] = FirstRetryDelay.ToString(),
                ["CrmFeed:MaxRetryDelay"] = MaxRetryDelay.ToString(),
            },
            services => services.AddSingleton<ILoggerProvider>(_logs));
    }

    public async Task DisposeAsync()
    {
        await _listener.DisposeAsync();
        await _crm.DisposeAsync();
        await _broker.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task RepeatedFailuresLaterInTheBatchWaitLongerEachTimeAndAreLoggedOnce()
    {
        _prospects.Fail(HttpStatusCode.InternalServerError, "");
        await _crm.CreateLead("Backoff", SimulatorHost.NewEmail("backoff"));

        // With the back-off reset by every successful feed read, the count never passed 1.
        var failing = await UntilFailures(4);

        // Each attempt reads the feed and asks prospect-editor once, then waits before the next: 50, 100, 200, 400 ms (±20%).
        var expected = Math.Min(FirstRetryDelay.TotalMilliseconds * Math.Pow(2, failing.ConsecutiveFailures - 1), MaxRetryDelay.TotalMilliseconds);
        Assert.InRange(failing.RetryDelay!.Value.TotalMilliseconds, expected * 0.8, expected * 1.2);
        Assert.InRange(_prospects.Lookups, failing.ConsecutiveFailures, failing.ConsecutiveFailures + 1);
        var warnings = _logs.Entries.Where(entry => entry.Category == typeof(CrmFeedFollower).FullName && entry.Level >= LogLevel.Warning).ToList();
        var warning = Assert.Single(warnings);
        Assert.Contains("prospect-editor answered 500", warning.Message, StringComparison.Ordinal);
    }

    private Task<FeedStatus> UntilFailures(int count) =>
        Eventually.Until(async () => await _listener.Status() is { ConsecutiveFailures: var failures } status && failures >= count ? status : null,
            $"{count} failed attempts in a row", TimeSpan.FromSeconds(15));
}
