using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Sync.ServiceDefaults.Storage;

namespace Sync.CrmChangeListener.Storage;

public sealed class RedisCrmFeedCursorStore(IConnectionMultiplexer redis, IOptions<RedisOptions> options) : ICrmFeedCursorStore
{
    // A listener that fell behind (a second replica, a slow shutdown) must not pull the cursor back.
    private const string SaveForwardScript = """
        local current = tonumber(redis.call('GET', KEYS[1]) or '-1')
        if tonumber(ARGV[1]) > current then
          redis.call('SET', KEYS[1], ARGV[1])
        end
        return 0
        """;

    private readonly RedisKey _key = options.KeysFor("crm-change-listener").Key("feed-cursor");

    public async Task<long?> Load(CancellationToken cancellationToken) => (long?)await redis.GetDatabase().StringGetAsync(_key);

    public Task Save(long position, CancellationToken cancellationToken) =>
        redis.GetDatabase().ScriptEvaluateAsync(SaveForwardScript, [_key], [position]);
}
