using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Sync.ServiceDefaults.Storage;
using Sync.SyncWorker.Extensions;

namespace Sync.SyncWorker.Storage.SyncErrors;

public sealed class RedisSyncErrorStore(IConnectionMultiplexer redis, IOptions<RedisOptions> options) : ISyncErrorStore
{
    private static readonly LuaScript RecordScript = LuaScript.Prepare(EmbeddedLuaScript.Load<RedisSyncErrorStore>("record-sync-error.lua"));
    private static readonly LuaScript MarkRetryScript = LuaScript.Prepare(EmbeddedLuaScript.Load<RedisSyncErrorStore>("mark-retry-requested.lua"));
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly RedisKey _errors = options.KeysFor(Extensions.Extensions.RedisOwner).Key("sync-errors");

    private IDatabase Database => redis.GetDatabase();

    public async Task Record(IReadOnlyCollection<SyncErrorOccurrence> occurrences) =>
        await Task.WhenAll(occurrences.Select(occurrence => Database.ScriptEvaluateAsync(RecordScript, new
        {
            errors = _errors,
            prospect = (RedisValue)occurrence.ProspectId,
            code = (RedisValue)occurrence.ErrorCode,
            message = (RedisValue)occurrence.Message,
            fields = (RedisValue)string.Join(',', occurrence.Fields),
            at = (RedisValue)occurrence.At.ToString("O", CultureInfo.InvariantCulture),
            syncId = (RedisValue)occurrence.SyncId.ToString(),
        })));

    public async Task Clear(IReadOnlyCollection<long> prospectIds)
    {
        if (prospectIds.Count > 0)
            await Database.HashDeleteAsync(_errors, prospectIds.Select(id => (RedisValue)id).ToArray());
    }

    /// <summary>HSCAN, 500 entries a step; a scan may meet an entry twice (while Redis resizes the hash): it is given once.</summary>
    public async IAsyncEnumerable<SyncErrorEntry> Scan(string? errorCode, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var given = new HashSet<long>();
        await foreach (var stored in Database.HashScanAsync(_errors, pageSize: 500).WithCancellation(cancellationToken))
        {
            var entry = Read((long)stored.Name, stored.Value!);
            if ((errorCode is null || entry.ErrorCode == errorCode) && given.Add(entry.ProspectId))
                yield return entry;
        }
    }

    public async Task<SyncErrorEntry?> Find(long prospectId) =>
        await Database.HashGetAsync(_errors, prospectId) is { HasValue: true } value ? Read(prospectId, value!) : null;

    public async Task MarkRetryRequested(IReadOnlyCollection<long> prospectIds, DateTimeOffset at)
    {
        if (prospectIds.Count == 0)
            return;
        await Database.ScriptEvaluateAsync(MarkRetryScript, new
        {
            errors = _errors,
            at = (RedisValue)at.ToString("O", CultureInfo.InvariantCulture),
            prospects = (RedisValue)string.Join(',', prospectIds.Select(id => id.ToString(CultureInfo.InvariantCulture))),
        });
    }

    private static SyncErrorEntry Read(long prospectId, string json)
    {
        var stored = JsonSerializer.Deserialize<StoredEntry>(json, Json)!;
        return new SyncErrorEntry
        {
            ProspectId = prospectId,
            ErrorCode = stored.ErrorCode,
            Message = stored.Message,
            Fields = stored.Fields.Length == 0 ? [] : stored.Fields.Split(','),
            FirstSeen = DateTimeOffset.Parse(stored.FirstSeen, CultureInfo.InvariantCulture),
            LastSeen = DateTimeOffset.Parse(stored.LastSeen, CultureInfo.InvariantCulture),
            Attempts = stored.Attempts,
            LastSyncId = Guid.TryParse(stored.LastSyncId, out var syncId) ? syncId : null,
            RetryRequestedAt = stored.RetryRequestedAt is { } retried ? DateTimeOffset.Parse(retried, CultureInfo.InvariantCulture) : null,
        };
    }

    /// <summary>The entry as the script keeps it.</summary>
    private sealed class StoredEntry
    {
        public string ErrorCode { get; set; } = "";

        public string Message { get; set; } = "";

        public string Fields { get; set; } = "";

        public string FirstSeen { get; set; } = "";

        public string LastSeen { get; set; } = "";

        public int Attempts { get; set; }

        public string? LastSyncId { get; set; }

        public string? RetryRequestedAt { get; set; }
    }
}
