using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Sync.ActivityTracker.Configuration;
using Sync.ActivityTracker.Storage;
using Sync.Testing;

namespace Sync.ActivityTracker.Tests;

/// <summary>A short retention for the store contracts, so "forgotten after a while" takes seconds.</summary>
internal static class ShortRetention
{
    public static readonly TimeSpan KeptFor = TimeSpan.FromSeconds(3);

    public static IOptions<TrackingOptions> Tracking { get; } = Options.Create(new TrackingOptions
    {
        VisitorActivityKept = 3,
        VisitorActivityKeptFor = KeptFor,
        LinksKeptFor = KeptFor,
    });
}

/// <summary>What every visitor store promises; run against Redis and against the in-memory store of the embedded host.</summary>
public abstract class VisitorStoreContract
{
    protected IVisitorStore Store { get; set; } = null!;

    /// <summary>Lets <paramref name="time"/> pass for the store: by the TTLs of its Redis keys, or by the in-memory store's TimeProvider.</summary>
    protected abstract Task Pass(TimeSpan time);

    [Fact]
    public async Task AnUnknownVisitorIsAnonymousWithNoActivity()
    {
        var visitorId = TrackerFixture.NewVisitorId();

        Assert.Equal(new Visitor(visitorId, null, false, null), await Store.Get(visitorId, CancellationToken.None));
        Assert.Empty(await Store.Activity(visitorId, 10, CancellationToken.None));
    }

    [Fact]
    public async Task ALinkAndAnOptOutAreKeptTogetherAndALaterLinkReplacesTheProspect()
    {
        var visitorId = TrackerFixture.NewVisitorId();
        var at = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

        await Store.Link(visitorId, 41, at, CancellationToken.None);
        await Store.SetOptedOut(visitorId, true, CancellationToken.None);
        await Store.Link(visitorId, 42, at.AddSeconds(1), CancellationToken.None);

        Assert.Equal(new Visitor(visitorId, 42, true, at.AddSeconds(1)), await Store.Get(visitorId, CancellationToken.None));
    }

    [Fact]
    public async Task ActivityIsNewestFirstAndOnlyTheLatestAreKept()
    {
        var visitorId = TrackerFixture.NewVisitorId();
        for (var index = 0; index < 5; index++)
            await Store.Record(visitorId, Activity($"https://example.com/{index}"), CancellationToken.None);

        Assert.Equal(["https://example.com/4", "https://example.com/3", "https://example.com/2"],
            (await Store.Activity(visitorId, 10, CancellationToken.None)).Select(activity => activity.Url));
        Assert.Equal(2, (await Store.Activity(visitorId, 2, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task AVisitorNotWrittenForTheRetentionIsForgotten()
    {
        var visitorId = TrackerFixture.NewVisitorId();
        await Store.SetOptedOut(visitorId, true, CancellationToken.None);
        await Store.Link(visitorId, 7, DateTimeOffset.UtcNow, CancellationToken.None);
        await Store.Record(visitorId, Activity("https://example.com/once"), CancellationToken.None);

        await Pass(ShortRetention.KeptFor * 1.2);

        Assert.Equal(new Visitor(visitorId, null, false, null), await Store.Get(visitorId, CancellationToken.None));
        Assert.Empty(await Store.Activity(visitorId, 10, CancellationToken.None));
    }

    [Fact]
    public async Task AVisitorStillActiveKeepsItsLinkBeyondTheRetention()
    {
        var visitorId = TrackerFixture.NewVisitorId();
        await Store.Link(visitorId, 7, DateTimeOffset.UtcNow, CancellationToken.None);
        await Pass(ShortRetention.KeptFor * 0.6);
        await Store.Record(visitorId, Activity("https://example.com/again"), CancellationToken.None);

        await Pass(ShortRetention.KeptFor * 0.6);

        Assert.Equal(7, (await Store.Get(visitorId, CancellationToken.None)).ProspectId);
        Assert.Single(await Store.Activity(visitorId, 10, CancellationToken.None));
    }

    private static VisitorActivity Activity(string url) => new(DateTimeOffset.UtcNow, "PageView", url, null, null, "AnonymousPageView");
}

/// <summary>What every tracked-link store promises; run against Redis and against the in-memory store of the embedded host.</summary>
public abstract class TrackedLinkStoreContract
{
    protected ITrackedLinkStore Store { get; set; } = null!;

    /// <summary>Lets <paramref name="time"/> pass for the store: by the TTLs of its Redis keys, or by the in-memory store's TimeProvider.</summary>
    protected abstract Task Pass(TimeSpan time);

    [Fact]
    public async Task ACodeIsTakenOnceAndReadsBackAsStored()
    {
        var link = NewLink();

        Assert.True(await Store.TryAdd(link, CancellationToken.None));
        Assert.False(await Store.TryAdd(link with { Target = "https://example.com/other" }, CancellationToken.None));

        Assert.Equal(link, await Store.Get(link.Code, CancellationToken.None));
        Assert.Null(await Store.Get("NoSuchCode", CancellationToken.None));
    }

    [Fact]
    public async Task ALinkNotFollowedForTheRetentionIsForgottenAndItsCodeFreed()
    {
        var link = NewLink();
        await Store.TryAdd(link, CancellationToken.None);

        await Pass(ShortRetention.KeptFor * 1.2);

        Assert.Null(await Store.Get(link.Code, CancellationToken.None));
        var successor = link with { Target = "https://example.com/successor" };
        Assert.True(await Store.TryAdd(successor, CancellationToken.None));
        Assert.Equal(successor, await Store.Get(link.Code, CancellationToken.None));
    }

    [Fact]
    public async Task ALinkStillFollowedKeepsWorkingBeyondTheRetention()
    {
        var link = NewLink();
        await Store.TryAdd(link, CancellationToken.None);
        await Pass(ShortRetention.KeptFor * 0.6);
        Assert.NotNull(await Store.Get(link.Code, CancellationToken.None));

        await Pass(ShortRetention.KeptFor * 0.6);

        Assert.Equal(link, await Store.Get(link.Code, CancellationToken.None));
    }

    private static TrackedLink NewLink() => new(
        Guid.NewGuid().ToString("N")[..12], "https://example.com/offer", 42, TrackedLinkKind.EmailLink, "Offer",
        DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
}

public sealed class RedisVisitorStoreTests : VisitorStoreContract, IAsyncLifetime
{
    private IsolatedKeyPrefix _redis = null!;

    public async Task InitializeAsync()
    {
        var server = await RedisTestServer.Shared();
        _redis = server.CreateKeyPrefix("visitor-store");
        Store = new RedisVisitorStore(server.Connection, _redis.Options, ShortRetention.Tracking);
    }

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    // Redis expires keys by its own clock, which a test cannot move: the keys' TTLs, which the store set, are aged instead.
    protected override Task Pass(TimeSpan time) => _redis.Age(time);
}

[FastLane]
public sealed class InMemoryVisitorStoreTests : VisitorStoreContract
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    public InMemoryVisitorStoreTests() => Store = new InMemoryVisitorStore(ShortRetention.Tracking, _clock);

    protected override Task Pass(TimeSpan time)
    {
        _clock.Advance(time);
        return Task.CompletedTask;
    }
}

public sealed class RedisTrackedLinkStoreTests : TrackedLinkStoreContract, IAsyncLifetime
{
    private IsolatedKeyPrefix _redis = null!;

    public async Task InitializeAsync()
    {
        var server = await RedisTestServer.Shared();
        _redis = server.CreateKeyPrefix("link-store");
        Store = new RedisTrackedLinkStore(server.Connection, _redis.Options, ShortRetention.Tracking);
    }

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    // Redis expires keys by its own clock, which a test cannot move: the keys' TTLs, which the store set, are aged instead.
    protected override Task Pass(TimeSpan time) => _redis.Age(time);
}

[FastLane]
public sealed class InMemoryTrackedLinkStoreTests : TrackedLinkStoreContract
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    public InMemoryTrackedLinkStoreTests() => Store = new InMemoryTrackedLinkStore(ShortRetention.Tracking, _clock);

    protected override Task Pass(TimeSpan time)
    {
        _clock.Advance(time);
        return Task.CompletedTask;
    }
}
