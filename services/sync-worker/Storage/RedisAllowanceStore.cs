using System.Globalization;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Sync.Clients.Crm;
using Sync.ServiceDefaults.Storage;

namespace Sync.SyncWorker.Storage;

public sealed class RedisAllowanceStore(IConnectionMultiplexer redis, IOptions<RedisOptions> options) : IAllowanceStore
{
    private static readonly LuaScript TakeScript = LuaScript.Prepare(EmbeddedLuaScript.Load<RedisAllowanceStore>("allowance-take.lua"));
    private static readonly LuaScript LearnScript = LuaScript.Prepare(EmbeddedLuaScript.Load<RedisAllowanceStore>("allowance-learn.lua"));

    private readonly RedisKey _allowance = options.KeysFor(Extensions.Extensions.RedisOwner).Key("crm-allowance");

    private IDatabase Database => redis.GetDatabase();

    public async Task<AllowanceDecision> Take(int calls, AllowancePolicy policy, bool dryRun = false)
    {
        var result = (RedisResult[])(await Database.ScriptEvaluateAsync(TakeScript, new
        {
            allowance = _allowance,
            calls = (RedisValue)calls,
            reservePercent = (RedisValue)policy.ReservePercent,
            burst = (RedisValue)policy.BurstCalls,
            dryRun = (RedisValue)(dryRun ? "1" : "0"),
        }))!;
        var granted = (long)result[0] == 1;
        var wait = (long)result[1];
        var resetsAt = (long)result[2];
        return new AllowanceDecision(
            granted,
            wait > 0 ? TimeSpan.FromMilliseconds(wait) : TimeSpan.Zero,
            Spent: wait < 0,
            resetsAt > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(resetsAt) : null);
    }

    public Task LearnFromAnswer(CrmApiUsage usage) => Learn("answer", usage.Used, usage.Limit, null);

    public Task LearnLimits(CrmLimits limits) => Learn("limits", limits.DailyApiRequests.Used, limits.DailyApiRequests.Limit, limits.ResetsAt);

    public async Task LearnSpent(CrmApiUsage? usage, DateTimeOffset? resetsAt)
    {
        var limit = usage?.Limit ?? (await Read()).Limit;
        if (limit is { } known)
            await Learn("spent", usage?.Used ?? known, known, resetsAt);
    }

    public async Task<AllowanceState> Read()
    {
        var fields = (await Database.HashGetAllAsync(_allowance)).ToDictionary(entry => (string)entry.Name!, entry => (string)entry.Value!);
        double? Number(string name) => fields.TryGetValue(name, out var value) ? double.Parse(value, CultureInfo.InvariantCulture) : null;
        DateTimeOffset? Time(string name) => Number(name) is { } ms and > 0 ? DateTimeOffset.FromUnixTimeMilliseconds((long)ms) : null;
        return new AllowanceState((int?)Number("used"), (int?)Number("limit"), Time("resets_at"), Number("tokens"), Time("observed_at"));
    }

    private async Task Learn(string source, int used, int limit, DateTimeOffset? resetsAt) =>
        await Database.ScriptEvaluateAsync(LearnScript, new
        {
            allowance = _allowance,
            source = (RedisValue)source,
            used = (RedisValue)used,
            limit = (RedisValue)limit,
            resetsAt = resetsAt is { } at ? (RedisValue)at.ToUnixTimeMilliseconds() : (RedisValue)"",
        });
}
