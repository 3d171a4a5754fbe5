using System.Text.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Sync.ActivityTracker.Configuration;
using Sync.ServiceDefaults.Storage;

namespace Sync.ActivityTracker.Storage;

public sealed class RedisVisitorStore(IConnectionMultiplexer redis, IOptions<RedisOptions> options, IOptions<TrackingOptions> tracking) : IVisitorStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly RedisKeys _keys = options.KeysFor("activity-tracker");

    // A visitor's keys share the hash tag {v:id}: one Redis Cluster slot per visitor.
    private RedisKey VisitorKey(string visitorId) => _keys.Key($"{{v:{visitorId}}}:visitor");

    private RedisKey ActivityKey(string visitorId) => _keys.Key($"{{v:{visitorId}}}:activity");

    public async Task<Visitor> Get(string visitorId, CancellationToken cancellationToken)
    {
        var fields = (await redis.GetDatabase().HashGetAllAsync(VisitorKey(visitorId))).ToDictionary(entry => (string)entry.Name!, entry => entry.Value);
        return new Visitor(
            visitorId,
            fields.TryGetValue("prospectId", out var prospectId) ? (long)prospectId : null,
            fields.TryGetValue("optedOut", out var optedOut) && optedOut == 1,
            fields.TryGetValue("linkedAt", out var linkedAt) ? DateTimeOffset.FromUnixTimeMilliseconds((long)linkedAt) : null);
    }

    public Task Link(string visitorId, long prospectId, DateTimeOffset at, CancellationToken cancellationToken) =>
        WriteVisitor(visitorId, [new HashEntry("prospectId", prospectId), new HashEntry("linkedAt", at.ToUnixTimeMilliseconds())]);

    public Task SetOptedOut(string visitorId, bool optedOut, CancellationToken cancellationToken) =>
        WriteVisitor(visitorId, [new HashEntry("optedOut", optedOut ? 1 : 0)]);

    public async Task Record(string visitorId, VisitorActivity activity, CancellationToken cancellationToken)
    {
        var keepFor = tracking.Value.VisitorActivityKeptFor;
        var batch = redis.GetDatabase().CreateTransaction();
        _ = batch.ListLeftPushAsync(ActivityKey(visitorId), JsonSerializer.Serialize(activity, Json));
        _ = batch.ListTrimAsync(ActivityKey(visitorId), 0, tracking.Value.VisitorActivityKept - 1);
        _ = batch.KeyExpireAsync(ActivityKey(visitorId), keepFor);
        // An active visitor keeps its link: the visitor hash lives as long as its latest activity.
        _ = batch.KeyExpireAsync(VisitorKey(visitorId), keepFor);
        await batch.ExecuteAsync();
    }

    private async Task WriteVisitor(string visitorId, HashEntry[] fields)
    {
        var batch = redis.GetDatabase().CreateTransaction();
        _ = batch.HashSetAsync(VisitorKey(visitorId), fields);
        _ = batch.KeyExpireAsync(VisitorKey(visitorId), tracking.Value.VisitorActivityKeptFor);
        _ = batch.KeyExpireAsync(ActivityKey(visitorId), tracking.Value.VisitorActivityKeptFor);
        await batch.ExecuteAsync();
    }

    public async Task<IReadOnlyList<VisitorActivity>> Activity(string visitorId, int limit, CancellationToken cancellationToken) =>
        (await redis.GetDatabase().ListRangeAsync(ActivityKey(visitorId), 0, limit - 1))
            .Select(value => JsonSerializer.Deserialize<VisitorActivity>((string)value!, Json)!).ToList();
}
