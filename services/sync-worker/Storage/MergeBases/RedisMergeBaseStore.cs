using System.Text.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Sync.ServiceDefaults.Storage;
using Sync.SyncWorker.Extensions;

namespace Sync.SyncWorker.Storage.MergeBases;

/// <summary>One key per prospect ("{prefix}:sync-worker:{p:id}:merge-base", JSON), expiring after the retention unless a sync renews it.</summary>
public sealed class RedisMergeBaseStore(IConnectionMultiplexer redis, IOptions<RedisOptions> options) : IMergeBaseStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly RedisKeys _keys = options.KeysFor(Extensions.Extensions.RedisOwner);

    private IDatabase Database => redis.GetDatabase();

    public async Task<IReadOnlyDictionary<long, MergeBase>> Find(IReadOnlyCollection<long> prospectIds)
    {
        var reads = prospectIds.Distinct().Select(id => (Id: id, Value: Database.StringGetAsync(Key(id)))).ToList();
        await Task.WhenAll(reads.Select(read => read.Value));
        return reads.Where(read => read.Value.Result.HasValue)
            .ToDictionary(read => read.Id, read => Read(read.Id, read.Value.Result!));
    }

    public async Task Save(IReadOnlyCollection<MergeBase> bases, TimeSpan retention) =>
        await Task.WhenAll(bases.Select(mergeBase => Database.StringSetAsync(
            Key(mergeBase.ProspectId),
            JsonSerializer.Serialize(new StoredBase(mergeBase.CrmRecordId, mergeBase.Values, mergeBase.AgreedAt), Json),
            retention)));

    private static MergeBase Read(long prospectId, string json)
    {
        var stored = JsonSerializer.Deserialize<StoredBase>(json, Json)!;
        return new MergeBase(prospectId, stored.Record, new Dictionary<string, string?>(stored.Values, StringComparer.OrdinalIgnoreCase), stored.At);
    }

    private RedisKey Key(long prospectId) => _keys.ProspectKey(prospectId, "merge-base");

    private sealed record StoredBase(string Record, IReadOnlyDictionary<string, string?> Values, DateTimeOffset At);
}
