using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Sync.Contracts;
using Sync.ServiceDefaults.Storage;
using Sync.SyncWorker.Extensions;

namespace Sync.SyncWorker.Storage.WorkerState;

public sealed class RedisWorkerStateStore(IConnectionMultiplexer redis, IOptions<RedisOptions> options) : IWorkerStateStore
{
    private static readonly LuaScript ReleaseClaim = LuaScript.Prepare(EmbeddedLuaScript.Load<RedisWorkerStateStore>("release-claim.lua"));

    private readonly RedisKeys _keys = options.KeysFor(Extensions.Extensions.RedisOwner);

    private IDatabase Database => redis.GetDatabase();

    public async Task<IReadOnlySet<long>> Claim(IReadOnlyCollection<long> prospectIds, string owner, TimeSpan timeout)
    {
        var attempts = prospectIds.Distinct()
            .Select(id => (Id: id, Claimed: Database.StringSetAsync(ClaimKey(id), owner, timeout, When.NotExists)))
            .ToList();
        await Task.WhenAll(attempts.Select(attempt => attempt.Claimed));
        return attempts.Where(attempt => attempt.Claimed.Result).Select(attempt => attempt.Id).ToHashSet();
    }

    public async Task Release(IReadOnlyCollection<long> prospectIds, string owner) =>
        await Task.WhenAll(prospectIds.Distinct().Select(id =>
            Database.ScriptEvaluateAsync(ReleaseClaim, new { key = ClaimKey(id), owner = (RedisValue)owner })));

    public async Task<IReadOnlyDictionary<SyncKey, SyncCompleted>> FindCompleted(IReadOnlyCollection<SyncKey> syncs)
    {
        var reads = syncs.Distinct().Select(sync => (Sync: sync, Value: Database.StringGetAsync(CompletedKey(sync)))).ToList();
        await Task.WhenAll(reads.Select(read => read.Value));
        return reads.Where(read => read.Value.Result.HasValue)
            .ToDictionary(read => read.Sync, read => JsonSerializer.Deserialize<SyncCompleted>((string)read.Value.Result!)!);
    }

    public async Task RememberCompleted(IReadOnlyCollection<SyncCompleted> completions, TimeSpan duration) =>
        await Task.WhenAll(completions.Select(completion => Database.StringSetAsync(
            CompletedKey(new SyncKey(completion.ProspectId, completion.SyncId, completion.Version)),
            JsonSerializer.Serialize(completion),
            duration)));

    public async Task<OperatorPause?> GetPause()
    {
        var fields = (await Database.HashGetAllAsync(_keys.Key("pause"))).ToDictionary(entry => (string)entry.Name!, entry => (string?)entry.Value);
        if (!fields.TryGetValue("since", out var since) || since is null)
            return null;
        return new OperatorPause(DateTimeOffset.Parse(since, CultureInfo.InvariantCulture), fields.GetValueOrDefault("reason"));
    }

    public async Task SetPause(OperatorPause? pause)
    {
        if (pause is null)
        {
            await Database.KeyDeleteAsync(_keys.Key("pause"));
            return;
        }
        await Database.HashSetAsync(_keys.Key("pause"),
        [
            new HashEntry("since", pause.Since.ToString("O", CultureInfo.InvariantCulture)),
            new HashEntry("reason", pause.Reason ?? ""),
        ]);
    }

    public async Task RecordBatch(BatchRecord batch)
    {
        var key = _keys.Key("totals");
        var transaction = Database.CreateTransaction();
        _ = transaction.HashIncrementAsync(key, "batches");
        _ = transaction.HashIncrementAsync(key, "prospects", batch.Prospects);
        _ = transaction.HashIncrementAsync(key, "crmCalls", batch.CrmCalls);
        foreach (var (outcome, count) in batch.Outcomes)
            _ = transaction.HashIncrementAsync(key, $"outcome:{outcome}", count);
        _ = transaction.HashSetAsync(key,
        [
            new HashEntry("lastBatchAt", batch.At.ToString("O", CultureInfo.InvariantCulture)),
            new HashEntry("lastBatchSize", batch.Prospects),
            new HashEntry("lastBatchMilliseconds", batch.Duration.TotalMilliseconds),
        ]);
        await transaction.ExecuteAsync();
    }

    public async Task RecordError(string message, DateTimeOffset at) =>
        await Database.HashSetAsync(_keys.Key("totals"),
        [
            new HashEntry("lastError", message),
            new HashEntry("lastErrorAt", at.ToString("O", CultureInfo.InvariantCulture)),
        ]);

    public async Task<WorkerTotals> GetTotals()
    {
        var fields = (await Database.HashGetAllAsync(_keys.Key("totals"))).ToDictionary(entry => (string)entry.Name!, entry => (string)entry.Value!);
        long Number(string name) => fields.TryGetValue(name, out var value) ? long.Parse(value, CultureInfo.InvariantCulture) : 0;
        return new WorkerTotals
        {
            Batches = Number("batches"),
            Prospects = Number("prospects"),
            CrmCalls = Number("crmCalls"),
            Outcomes = Enum.GetValues<SyncOutcome>().ToDictionary(outcome => outcome, outcome => Number($"outcome:{outcome}")),
            LastBatchAt = fields.TryGetValue("lastBatchAt", out var at) ? DateTimeOffset.Parse(at, CultureInfo.InvariantCulture) : null,
            LastBatchSize = fields.TryGetValue("lastBatchSize", out var size) ? int.Parse(size, CultureInfo.InvariantCulture) : null,
            LastBatchMilliseconds = fields.TryGetValue("lastBatchMilliseconds", out var ms) ? double.Parse(ms, CultureInfo.InvariantCulture) : null,
            LastError = fields.GetValueOrDefault("lastError"),
            LastErrorAt = fields.TryGetValue("lastErrorAt", out var errorAt) ? DateTimeOffset.Parse(errorAt, CultureInfo.InvariantCulture) : null,
        };
    }

    private RedisKey ClaimKey(long prospectId) => _keys.ProspectKey(prospectId, "claim");

    private RedisKey CompletedKey(SyncKey sync) => _keys.ProspectKey(sync.ProspectId, $"completed:{sync.SyncId:N}:{sync.Version}");
}
