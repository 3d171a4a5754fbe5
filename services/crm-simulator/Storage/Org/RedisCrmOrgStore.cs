using System.Text.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Sync.ServiceDefaults.Storage;

namespace Sync.CrmSimulator.Storage.Org;

public sealed class RedisCrmOrgStore(IConnectionMultiplexer redis, IOptions<RedisOptions> redisOptions) : ICrmOrgStore
{
    private static readonly string ChargeScript = EmbeddedLuaScript.Load<RedisCrmOrgStore>("charge-api-call.lua");

    // A day's counter outlives its day, so a clock moved back a little finds it again.
    private static readonly TimeSpan UsageKept = TimeSpan.FromDays(3);

    private readonly CrmSimulatorKeys _keys = new(redisOptions.KeysFor(CrmSimulatorKeys.Owner));

    private IDatabase Database => redis.GetDatabase();

    public async Task<OrgSettings?> GetSettings(CancellationToken cancellationToken) => Parse(await Database.StringGetAsync(_keys.Settings));

    public async Task<OrgSettings> UpdateSettings(Func<OrgSettings, OrgSettings> change, CancellationToken cancellationToken)
    {
        // Optimistic: the new settings are stored only if the stored ones are still those they were computed from.
        while (true)
        {
            var stored = await Database.StringGetAsync(_keys.Settings);
            var settings = change(Parse(stored) ?? new OrgSettings());
            var transaction = Database.CreateTransaction();
            transaction.AddCondition(stored.IsNull ? Condition.KeyNotExists(_keys.Settings) : Condition.StringEqual(_keys.Settings, stored));
            _ = transaction.StringSetAsync(_keys.Settings, JsonSerializer.Serialize(settings, JsonSerializerOptions.Web));
            if (await transaction.ExecuteAsync())
                return settings;
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    public async Task<ApiCharge> Charge(string day, int limit, CancellationToken cancellationToken)
    {
        var result = (RedisResult[])(await Database.ScriptEvaluateAsync(ChargeScript, [_keys.Usage(day)], [limit, (long)UsageKept.TotalSeconds]))!;
        return new ApiCharge((long)result[0] == 1, (int)(long)result[1]);
    }

    public async Task<int> GetUsage(string day, CancellationToken cancellationToken) =>
        (int?)await Database.StringGetAsync(_keys.Usage(day)) ?? 0;

    public Task SetUsage(string day, int used, CancellationToken cancellationToken) =>
        Database.StringSetAsync(_keys.Usage(day), used, UsageKept);

    private static OrgSettings? Parse(RedisValue json) =>
        json.IsNull ? null : JsonSerializer.Deserialize<OrgSettings>((string)json!, JsonSerializerOptions.Web);
}
