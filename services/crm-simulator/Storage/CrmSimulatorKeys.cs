using StackExchange.Redis;
using Sync.CrmSimulator.Schema;
using Sync.ServiceDefaults.Storage;

namespace Sync.CrmSimulator.Storage;

/// <summary>crm-simulator's Redis keys, all under the "{crm}" hash tag.</summary>
internal sealed class CrmSimulatorKeys(RedisKeys keys)
{
    public const string Owner = "crm-simulator";

    public RedisKey Record(string type, string id) => keys.Key($"{{crm}}:record:{type}:{id}");

    public RedisKey Ids(string type) => keys.Key($"{{crm}}:ids:{type}");

    public RedisKey Index(string type, string field, string value) => keys.Key($"{{crm}}:index:{type}:{field}:{FieldValues.IndexForm(value)}");

    public RedisKey Sequence(string type) => keys.Key($"{{crm}}:sequence:{type}");

    public RedisKey Feed => keys.Key("{crm}:feed");

    public RedisKey FeedHead => keys.Key("{crm}:feed:head");

    public RedisKey FeedFloor => keys.Key("{crm}:feed:floor");

    public RedisKey Settings => keys.Key("{crm}:org:settings");

    public RedisKey Usage(string day) => keys.Key($"{{crm}}:org:usage:{day}");
}
