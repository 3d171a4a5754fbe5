using System.Text.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Sync.ProspectEditor.Automation;
using Sync.ServiceDefaults.Storage;

namespace Sync.ProspectEditor.Storage;

public sealed class RedisAutomationRuleStore(IConnectionMultiplexer redis, IOptions<RedisOptions> options) : IAutomationRuleStore
{
    private readonly RedisKeys _keys = options.KeysFor("prospect-editor");

    private RedisKey RulesKey => _keys.Key("automation-rules");

    public async Task<AutomationRule> Add(AutomationRule rule, CancellationToken cancellationToken)
    {
        var database = redis.GetDatabase();
        var stored = rule with { Id = await database.StringIncrementAsync(_keys.Key("next-automation-rule-id")) };
        await database.HashSetAsync(RulesKey, stored.Id, JsonSerializer.Serialize(stored, RedisProspectStore.Json));
        return stored;
    }

    public async Task<AutomationRule?> Get(long ruleId, CancellationToken cancellationToken) =>
        await redis.GetDatabase().HashGetAsync(RulesKey, ruleId) is { HasValue: true } value
            ? JsonSerializer.Deserialize<AutomationRule>((string)value!, RedisProspectStore.Json)
            : null;

    public async Task<IReadOnlyList<AutomationRule>> All(CancellationToken cancellationToken) =>
        (await redis.GetDatabase().HashValuesAsync(RulesKey))
            .Select(value => JsonSerializer.Deserialize<AutomationRule>((string)value!, RedisProspectStore.Json)!)
            .OrderBy(rule => rule.Id).ToList();
}
