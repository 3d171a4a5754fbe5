using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Sync.ServiceDefaults.Storage;

namespace Sync.CrmChangeListener.Storage;

public sealed class RedisCrmFeedCursorStore(IConnectionMultiplexer redis, IOptions<RedisOptions> options) : ICrmFeedCursorStore
{
    private static readonly string SaveForwardScript = EmbeddedLuaScript.Load<RedisCrmFeedCursorStore>("save-cursor-forward.lua");

    private readonly RedisKey _key = options.KeysFor("crm-change-listener").Key("feed-cursor");

    public async Task<long?> Load(CancellationToken cancellationToken) => (long?)await redis.GetDatabase().StringGetAsync(_key);

    public Task Save(long position, CancellationToken cancellationToken) =>
        redis.GetDatabase().ScriptEvaluateAsync(SaveForwardScript, [_key], [position]);
}
