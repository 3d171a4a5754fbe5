using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Sync.CrmChangeListener.Storage;
using Sync.CrmChangeListener.Tests.Support;
using Sync.CrmSimulator.Tests.Support;
using Sync.ServiceDefaults.Storage;
using Sync.Testing;
using Sync.Testing.Hosting;

namespace Sync.CrmChangeListener.Tests;

/// <summary>
/// The listener's promise across restarts and crashes: every change is published, none is missed, and a change published
/// again (after a crash between the broker's confirm and the saved position) carries the same event id.
/// </summary>
public sealed class ListenerRestartTests : IAsyncLifetime
{
    private ServerLane _lane = null!;
    private IsolatedVirtualHost _broker = null!;
    private IsolatedKeyPrefix _redis = null!;
    private SimulatorHost _crm = null!;
    private readonly FakeProspectEditor _prospects = new();

    public async Task InitializeAsync()
    {
        _lane = await TestLane.Servers("crm-listener-restart");
        (_broker, _redis) = (_lane.Broker, _lane.Redis);
        _crm = await SimulatorHost.Start(TestSettings.Combine(_redis.Settings, new Dictionary<string, string?> { ["CrmSimulator:Feed:RetainedEntries"] = "60" }));
    }

    public async Task DisposeAsync()
    {
        await _crm.DisposeAsync();
        await _lane.DisposeAsync();
    }

    [Fact]
    public async Task StoppedInTheMiddleOfTheFeedAndStartedAgainTheListenerPublishesEveryChangeExactlyOnce()
    {
        await CreateLeads(40);
        // Each feed read now takes 100 ms and a batch holds two changes, so the listener is stopped well before the head.
        await _crm.SetFaults(new { latencyMilliseconds = 100 });
        var small = new Dictionary<string, string?> { ["CrmFeed:BatchSize"] = "2" };

        await using (var first = await ListenerHost.Start(_broker, _redis, _crm, _prospects, small))
            await Eventually.True(async () => (await first.Status()).Position >= 6, "the listener to be under way");
        var stoppedAt = await SavedPosition();
        var publishedBeforeRestart = await PublishedChange.InQueue(_broker);

        await _crm.ClearFaults();
        var more = await CreateLeads(5);
        await using var second = await ListenerHost.Start(_broker, _redis, _crm, _prospects, small);
        await second.AtPosition(await _crm.Head());

        Assert.InRange(stoppedAt, 6, 39);
        Assert.Equal(stoppedAt, publishedBeforeRestart.Count);
        var published = await PublishedChange.InQueue(_broker);
        Assert.Equal(45, published.Count);
        Assert.Equal(45, published.Select(change => change.EventId).Distinct().Count());
        Assert.Equal(Enumerable.Range(1, 45).Select(position => (long?)position), published.Select(change => change.FeedPosition).Order());
        Assert.Subset(published.Select(change => change.CrmRecordId).ToHashSet(), more.ToHashSet());
    }

    [Fact]
    public async Task AfterACrashBetweenPublishingAndSavingThePositionTheBatchIsPublishedAgainWithTheSameEventIds()
    {
        await CreateLeads(3);
        var flaky = new FlakyCursorStore();

        await using var listener = await StartWith(flaky);
        await listener.AtPosition(3);

        var published = await PublishedChange.InQueue(_broker);
        Assert.Equal(1, flaky.FailedSaves);
        Assert.Equal(6, published.Count);
        Assert.All(published.GroupBy(change => change.EventId), copies =>
        {
            Assert.Equal(2, copies.Count());
            Assert.Single(copies.Select(copy => JsonSerializer.Serialize(copy)).Distinct());
        });
        Assert.Contains("Redis", (await listener.Status()).LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APositionOlderThanTheFeedKeepsIsReportedAndTheListenerGoesOnFromTheOldestChangeKept()
    {
        await CreateLeads(70);
        // As if this listener had handled the first two changes long ago: the feed keeps only the last 60.
        await _redis.Database.StringSetAsync($"{_redis.Prefix}:crm-change-listener:feed-cursor", 2);

        await using var listener = await ListenerHost.Start(_broker, _redis, _crm, _prospects);
        await listener.AtPosition(70);

        var status = await listener.Status();
        Assert.Equal(8, status.MissedChanges);
        Assert.Contains("no longer keeps the changes after position 2", status.LastError, StringComparison.Ordinal);
        Assert.Equal(Enumerable.Range(11, 60).Select(position => (long?)position), (await PublishedChange.InQueue(_broker)).Select(change => change.FeedPosition).Order());
    }

    [Fact]
    public async Task AFeedThatStartedOverBehindTheSavedPositionStopsTheListenerWithTheReasonInsteadOfSkippingItsChanges()
    {
        await CreateLeads(5);
        // As if the CRM had been restored: its feed now ends at 5, and this listener had read up to 500 of the old one.
        await _redis.Database.StringSetAsync($"{_redis.Prefix}:crm-change-listener:feed-cursor", 500);

        await using var listener = await ListenerHost.Start(_broker, _redis, _crm, _prospects);
        var status = await Eventually.Until(async () => await listener.Status() is { LastError: not null } failing ? failing : null,
            "the listener to report the feed that started over");

        Assert.Contains("before this listener's saved position 500: the feed started over", status.LastError, StringComparison.Ordinal);
        Assert.Equal(500, status.Position);
        Assert.Equal(500, (long)await _redis.Database.StringGetAsync($"{_redis.Prefix}:crm-change-listener:feed-cursor"));
        Assert.Empty(await PublishedChange.InQueue(_broker));
    }

    [Fact]
    public async Task WhenTheNewPositionAfterAnExpiredOneCannotBeSavedTheListenerRetriesInsteadOfStopping()
    {
        await CreateLeads(70);
        await _redis.Database.StringSetAsync($"{_redis.Prefix}:crm-change-listener:feed-cursor", 2);
        var flaky = new FlakyCursorStore();

        await using var listener = await StartWith(flaky);
        await listener.AtPosition(70);

        var status = await listener.Status();
        Assert.Equal(1, flaky.FailedSaves);
        Assert.Equal(8, status.MissedChanges);
        Assert.Equal(Enumerable.Range(11, 60).Select(position => (long?)position), (await PublishedChange.InQueue(_broker)).Select(change => change.FeedPosition).Order());
    }

    [Fact]
    public async Task ANewListenerOnAFeedThatDroppedOldChangesStartsAtTheOldestKeptWithoutAnError()
    {
        await CreateLeads(65);

        await using var listener = await ListenerHost.Start(_broker, _redis, _crm, _prospects);
        await listener.AtPosition(65);

        var status = await listener.Status();
        Assert.Null(status.LastError);
        Assert.Equal(0, status.MissedChanges);
        Assert.Equal(60, (await PublishedChange.InQueue(_broker)).Count);
    }

    private async Task<List<string>> CreateLeads(int count)
    {
        var records = Enumerable.Range(0, count).Select(i => new Dictionary<string, object?>
        {
            ["attributes"] = new { type = "Lead" },
            ["LastName"] = $"Restart{i}",
            ["Company"] = "Feed",
            ["Email"] = SimulatorHost.NewEmail($"restart{i}"),
            ["ProspectId__c"] = (10_000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture),
        }).ToList();
        var ids = new List<string>();
        foreach (var chunk in records.Chunk(200))
        {
            using var response = await _crm.Sales.PostAsJsonAsync("composite/sobjects", new { allOrNone = true, records = chunk });
            response.EnsureSuccessStatusCode();
            ids.AddRange((await response.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().Select(result => result.GetProperty("id").GetString()!));
        }
        return ids;
    }

    private Task<ListenerHost> StartWith(FlakyCursorStore flaky) =>
        ListenerHost.Start(_broker, _redis, _crm, _prospects, replace: services =>
            services.AddSingleton<ICrmFeedCursorStore>(provider =>
            {
                flaky.Inner = new RedisCrmFeedCursorStore(provider.GetRequiredService<IConnectionMultiplexer>(), provider.GetRequiredService<IOptions<RedisOptions>>());
                return flaky;
            }));

    private async Task<long> SavedPosition() =>
        (long)await _redis.Database.StringGetAsync($"{_redis.Prefix}:crm-change-listener:feed-cursor");

    /// <summary>The position store of a process that dies right after the broker confirmed a batch: the first save is lost.</summary>
    private sealed class FlakyCursorStore : ICrmFeedCursorStore
    {
        public ICrmFeedCursorStore Inner { get; set; } = null!;

        public int FailedSaves;

        public Task<long?> Load(CancellationToken cancellationToken) => Inner.Load(cancellationToken);

        public Task Save(long position, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref FailedSaves) == 1)
                throw new RedisException("The connection to Redis closed (simulated crash).");
            Interlocked.Decrement(ref FailedSaves);
            return Inner.Save(position, cancellationToken);
        }
    }
}
