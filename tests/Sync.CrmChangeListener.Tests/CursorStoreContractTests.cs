using Sync.CrmChangeListener.Storage;
using Sync.Testing;

namespace Sync.CrmChangeListener.Tests;

/// <summary>What both cursor stores promise: nothing before the first save, then the furthest position saved.</summary>
public abstract class CrmFeedCursorStoreContract : IAsyncLifetime
{
    protected ICrmFeedCursorStore Store { get; set; } = null!;

    public abstract Task InitializeAsync();

    public abstract Task DisposeAsync();

    [Fact]
    public async Task NothingIsSavedAtFirst() => Assert.Null(await Store.Load(CancellationToken.None));

    [Fact]
    public async Task TheSavedPositionIsLoaded()
    {
        await Store.Save(0, CancellationToken.None);
        Assert.Equal(0, await Store.Load(CancellationToken.None));

        await Store.Save(41, CancellationToken.None);
        Assert.Equal(41, await Store.Load(CancellationToken.None));
    }

    [Fact]
    public async Task TheCursorNeverMovesBack()
    {
        await Store.Save(100, CancellationToken.None);

        await Store.Save(99, CancellationToken.None);

        Assert.Equal(100, await Store.Load(CancellationToken.None));
    }
}

[FastLane]
public sealed class InMemoryCrmFeedCursorStoreTests : CrmFeedCursorStoreContract
{
    public override Task InitializeAsync()
    {
        Store = new InMemoryCrmFeedCursorStore();
        return Task.CompletedTask;
    }

    public override Task DisposeAsync() => Task.CompletedTask;
}

public sealed class RedisCrmFeedCursorStoreTests : CrmFeedCursorStoreContract
{
    private IsolatedKeyPrefix _redis = null!;

    public override async Task InitializeAsync()
    {
        var server = await RedisTestServer.Shared();
        _redis = server.CreateKeyPrefix("crm-cursor");
        Store = new RedisCrmFeedCursorStore(server.Connection, _redis.Options);
    }

    public override async Task DisposeAsync() => await _redis.DisposeAsync();
}
