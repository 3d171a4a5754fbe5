using System.Text.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Sync.ActivityTracker.Configuration;
using Sync.ServiceDefaults.Storage;

namespace Sync.ActivityTracker.Storage;

public sealed class RedisTrackedLinkStore(IConnectionMultiplexer redis, IOptions<RedisOptions> options, IOptions<TrackingOptions> tracking) : ITrackedLinkStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly RedisKeys _keys = options.KeysFor("activity-tracker");

    public Task<bool> TryAdd(TrackedLink link, CancellationToken cancellationToken) =>
        redis.GetDatabase().StringSetAsync(_keys.Key($"link:{link.Code}"), JsonSerializer.Serialize(link, Json), tracking.Value.LinksKeptFor, When.NotExists);

    public async Task<TrackedLink?> Get(string code, CancellationToken cancellationToken) =>
        await redis.GetDatabase().StringGetSetExpiryAsync(_keys.Key($"link:{code}"), tracking.Value.LinksKeptFor) is { HasValue: true } value
            ? JsonSerializer.Deserialize<TrackedLink>((string)value!, Json)
            : null;
}
