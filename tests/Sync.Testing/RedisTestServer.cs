using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Sync.ServiceDefaults.Storage;

namespace Sync.Testing;

/// <summary>The Redis the tests run against; every fixture writes under a key prefix of its own and removes it afterwards.</summary>
public sealed class RedisTestServer
{
    private static readonly SemaphoreSlim StartLock = new(1, 1);
    private static RedisTestServer? _shared;

    private RedisTestServer(string connectionString, IConnectionMultiplexer connection)
    {
        ConnectionString = connectionString;
        Connection = connection;
    }

    public string ConnectionString { get; }

    public IConnectionMultiplexer Connection { get; }

    public static async Task<RedisTestServer> Shared()
    {
        TestEnvironment.RefuseServerInFastLane("Redis");
        await StartLock.WaitAsync();
        try
        {
            if (_shared is not null)
                return _shared;
            var connectionString = TestEnvironment.UseTestcontainers ? await StartContainer() : TestEnvironment.Redis;
            try
            {
                var connection = await ConnectionMultiplexer.ConnectAsync($"{connectionString},abortConnect=true,connectTimeout=3000");
                return _shared = new RedisTestServer(connectionString, connection);
            }
            catch (RedisConnectionException exception)
            {
                throw new InvalidOperationException($"Redis is not reachable at {connectionString}. {TestEnvironment.HowToStartServers}", exception);
            }
        }
        finally
        {
            StartLock.Release();
        }
    }

    public IsolatedKeyPrefix CreateKeyPrefix(string purpose) => new(this, $"test-{purpose}-{Guid.NewGuid():N}");

    private static async Task<string> StartContainer()
    {
        var container = new DotNet.Testcontainers.Builders.ContainerBuilder("redis:7.0")
            .WithPortBinding(6379, true)
            .WithCommand("redis-server", "--appendonly", "yes")
            .WithWaitStrategy(DotNet.Testcontainers.Builders.Wait.ForUnixContainer().UntilInternalTcpPortIsAvailable(6379))
            .Build();
        await container.StartAsync();
        return $"{container.Hostname}:{container.GetMappedPublicPort(6379)}";
    }
}

/// <summary>A key prefix owned by one fixture: the settings that point a service at it; its keys are deleted when disposed.</summary>
public sealed class IsolatedKeyPrefix(RedisTestServer server, string prefix) : IAsyncDisposable
{
    public string Prefix { get; } = prefix;

    public RedisTestServer Server { get; } = server;

    public IDatabase Database => Server.Connection.GetDatabase();

    public IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Redis:ConnectionString"] = Server.ConnectionString,
        ["Redis:KeyPrefix"] = Prefix,
    };

    /// <summary>The same settings as options, for a store built by hand around <see cref="RedisTestServer.Connection"/>.</summary>
    public IOptions<RedisOptions> Options => Microsoft.Extensions.Options.Options.Create(new RedisOptions
    {
        ConnectionString = Server.ConnectionString,
        KeyPrefix = Prefix,
    });

    public async Task<IReadOnlyList<string>> Keys()
    {
        var keys = new List<string>();
        foreach (var endpoint in Server.Connection.GetEndPoints())
        {
            await foreach (var key in Server.Connection.GetServer(endpoint).KeysAsync(pattern: $"{Prefix}:*", pageSize: 1000))
                keys.Add(key!);
        }
        return keys;
    }

    /// <summary>
    /// Lets <paramref name="time"/> pass for this prefix's keys: each key's TTL (PTTL) is shortened by it, and a key whose TTL
    /// runs out is deleted, as Redis would have expired it; a key the store gave no TTL stays. Redis expires keys by its own
    /// clock, which a test cannot move, so an expiry test ages the TTLs the store set instead of waiting them out.
    /// </summary>
    public async Task Age(TimeSpan time)
    {
        foreach (var key in await Keys())
        {
            var left = await Database.KeyTimeToLiveAsync(key);
            if (left is not { } ttl)
                continue;
            if (ttl <= time)
                await Database.KeyDeleteAsync(key);
            else
                await Database.KeyExpireAsync(key, ttl - time);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var batch in (await Keys()).Chunk(500))
            await Database.KeyDeleteAsync(batch.Select(key => (RedisKey)key).ToArray());
    }
}
