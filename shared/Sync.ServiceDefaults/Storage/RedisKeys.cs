using StackExchange.Redis;

namespace Sync.ServiceDefaults.Storage;

/// <summary>
/// The keys one service owns: "{prefix}:{service}:...". Keys of one prospect share the hash tag "{p:id}",
/// so a script that touches them all runs on one Redis Cluster slot.
/// </summary>
public sealed class RedisKeys(string prefix, string owner)
{
    public string Prefix { get; } = $"{prefix}:{owner}";

    public RedisKey Key(string name) => $"{Prefix}:{name}";

    public RedisKey ProspectKey(long prospectId, string name) => $"{Prefix}:{{p:{prospectId}}}:{name}";

    /// <summary>A pattern matching every key of this owner, for SCAN.</summary>
    public string Pattern => $"{Prefix}:*";
}
