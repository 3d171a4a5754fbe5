using System.Globalization;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Sync.Clients.Crm;
using Sync.ServiceDefaults.Storage;
using Sync.SyncWorker.Extensions;

namespace Sync.SyncWorker.Storage.Allowance;

public sealed class RedisAllowanceStore(IConnectionMultiplexer redis, IOptions<RedisOptions> options) : IAllowanceStore
{
    private static readonly LuaScript TakeScript = LuaScript.Prepare(EmbeddedLuaScript.Load<RedisAllowanceStore>("allowance-take.lua"));
    private static readonly LuaScript LearnScript = LuaScript.Prepare(EmbeddedLuaScript.Load<RedisAllowanceStore>("allowance-learn.lua"));

    private readonly RedisKey _allowance = options.KeysFor(Extensions.Extensions.RedisOwner).Key("crm-allowance");

    private IDatabase Database => redis.GetDatabase();

    public async Task<AllowanceDecision> Reserve(int calls, AllowancePolicy policy, bool dryRun = false)
    {
        var result = (RedisResult[])(await Database.ScriptEvaluateAsync(TakeScript, new
        {
            allowance = _allowance,
            calls = (RedisValue)calls,
            reservePercent = (RedisValue)policy.ReservePercent,
            burst = (RedisValue)policy.BurstCalls,
            dryRun = (RedisValue)(dryRun ? "1" : "0"),
            inFlightFor = (RedisValue)(long)policy.InFlightFor.TotalMilliseconds,
        }))!;
        var granted = (long)result[0] == 1;
        var wait = (long)result[1];
        var resetsAt = (long)result[2];
        return new AllowanceDecision(
            granted,
            wait > 0 ? TimeSpan.FromMilliseconds(wait) : TimeSpan.Zero,
            Spent: wait < 0,
            resetsAt > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(resetsAt) : null,
            (long)result[3],
            (int)(long)result[4]);
    }

    public Task LearnAnswer(AllowanceCall call, CrmApiUsage? usage) =>
        Learn(usage is null ? "ended" : "answer", call, usage?.Used, usage?.Limit, null);

    public async Task LearnSpent(AllowanceCall call, CrmApiUsage? usage, DateTimeOffset? resetsAt)
    {
        var limit = usage?.Limit ?? (await Read()).Limit;
        await Learn("spent", call, usage?.Used ?? limit, limit, resetsAt);
    }

    public Task Release(AllowanceCall call) => Learn("released", call, null, null, null);

    public async Task<AllowanceCall> BeginLimitsRead()
    {
        // Every call in flight now may be charged after the read: all of them are its margin.
        var state = await Fields();
        var inFlight = state.Keys.Count(name => name.StartsWith("in-flight:", StringComparison.Ordinal));
        return new AllowanceCall(Number(state, "stamp") is { } stamp ? (long)stamp : 0, inFlight);
    }

    public Task LearnLimits(AllowanceCall readAt, CrmLimits limits) =>
        Learn("limits", readAt, limits.DailyApiRequests.Used, limits.DailyApiRequests.Limit, limits.ResetsAt);

    public async Task<AllowanceState> Read()
    {
        var fields = await Fields();
        DateTimeOffset? Time(string name) => Number(fields, name) is { } ms and > 0 ? DateTimeOffset.FromUnixTimeMilliseconds((long)ms) : null;
        var limit = (int?)Number(fields, "limit");
        int? used = null;
        if (limit is not null)
        {
            var reported = (long)(Number(fields, "reported_stamp") ?? 0);
            var released = fields.Keys.Count(name => name.StartsWith("released:", StringComparison.Ordinal)
                && long.Parse(name["released:".Length..], CultureInfo.InvariantCulture) > reported);
            used = (int)((Number(fields, "base") ?? 0) + (Number(fields, "stamp") ?? 0) - reported - released);
        }
        return new AllowanceState(used, limit, Time("resets_at"), Number(fields, "tokens"), Time("observed_at"));
    }

    private async Task<Dictionary<string, string>> Fields() =>
        (await Database.HashGetAllAsync(_allowance)).ToDictionary(entry => (string)entry.Name!, entry => (string)entry.Value!);

    private static double? Number(Dictionary<string, string> fields, string name) =>
        fields.TryGetValue(name, out var value) ? double.Parse(value, CultureInfo.InvariantCulture) : null;

    private async Task Learn(string source, AllowanceCall call, int? used, int? limit, DateTimeOffset? resetsAt) =>
        await Database.ScriptEvaluateAsync(LearnScript, new
        {
            allowance = _allowance,
            source = (RedisValue)source,
            stamp = (RedisValue)call.Stamp,
            margin = (RedisValue)call.Margin,
            used = used is { } count ? (RedisValue)count : (RedisValue)"",
            limit = limit is { } most ? (RedisValue)most : (RedisValue)"",
            resetsAt = resetsAt is { } at ? (RedisValue)at.ToUnixTimeMilliseconds() : (RedisValue)"",
        });
}
