using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Sync.Clients.Crm;
using Sync.CrmSimulator.Configuration;
using Sync.CrmSimulator.Schema;
using Sync.ServiceDefaults.Storage;

namespace Sync.CrmSimulator.Storage.Records;

/// <summary>
/// Records and the change feed in Redis. Every key carries the hash tag "{crm}", so the commit script, which touches
/// records, indexes and the feed at once, runs on one Redis Cluster slot. A record is one string, "version|json".
/// </summary>
public sealed class RedisCrmRecordStore(IConnectionMultiplexer redis, IOptions<RedisOptions> redisOptions, IOptions<CrmSimulatorOptions> options)
    : ICrmRecordStore
{
    private static readonly string CommitScript = EmbeddedLuaScript.Load<RedisCrmRecordStore>("commit-records.lua");

    private readonly CrmSimulatorKeys _keys = new(redisOptions.KeysFor(CrmSimulatorKeys.Owner));

    private IDatabase Database => redis.GetDatabase();

    public async Task<StoredRecord?> Get(string type, string id, CancellationToken cancellationToken) =>
        Parse(type, id, await Database.StringGetAsync(_keys.Record(type, id)));

    public async Task<IReadOnlyList<StoredRecord>> GetMany(string type, IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        var distinct = ids.Distinct().ToArray();
        if (distinct.Length == 0)
            return [];
        var values = await Database.StringGetAsync([.. distinct.Select(id => _keys.Record(type, id))]);
        return distinct.Select((id, i) => Parse(type, id, values[i])).OfType<StoredRecord>().ToList();
    }

    public async Task<IReadOnlyList<string>> FindIds(string type, string field, IReadOnlyCollection<string> values, CancellationToken cancellationToken)
    {
        if (values.Count == 0)
            return [];
        var members = await Database.SetCombineAsync(SetOperation.Union, [.. values.Select(value => _keys.Index(type, field, value))]);
        return members.Select(member => (string)member!).ToList();
    }

    public async Task<IReadOnlyList<string>> AllIds(string type, CancellationToken cancellationToken) =>
        (await Database.SetMembersAsync(_keys.Ids(type))).Select(member => (string)member!).Order(StringComparer.Ordinal).ToList();

    public async Task<long> ReserveSequence(string type, int count, CancellationToken cancellationToken) =>
        await Database.StringIncrementAsync(_keys.Sequence(type), count) - count + 1;

    public async Task<CommitResult> Commit(IReadOnlyList<RecordWrite> writes, CancellationToken cancellationToken)
    {
        var keys = new List<RedisKey> { _keys.FeedHead, _keys.Feed, _keys.FeedFloor };
        var arguments = new List<RedisValue> { writes.Count, options.Value.Feed.RetainedEntries };
        foreach (var write in writes)
        {
            var (leave, join) = IndexMoves(write);
            keys.Add(_keys.Record(write.Type, write.Id));
            keys.Add(_keys.Ids(write.Type));
            keys.AddRange(leave);
            keys.AddRange(join);
            arguments.Add(write.Id);
            arguments.Add(write.ExpectedVersion);
            arguments.Add(write.Fields is null ? "" : JsonSerializer.Serialize(write.Fields, JsonSerializerOptions.Web));
            arguments.Add(leave.Count);
            arguments.Add(join.Count);
            arguments.Add(write.Change is null ? "" : WithoutPosition(write.Change));
        }

        var result = (RedisResult[])(await Database.ScriptEvaluateAsync(CommitScript, [.. keys], [.. arguments]))!;
        if ((long)result[0] == 0)
            return CommitResult.Conflict((int)(long)result[1] - 1);
        return new CommitResult(true, [.. result.Skip(1).Select(position => (long)position).Select(position => position > 0 ? position : (long?)null)], null);
    }

    public async Task<FeedPage> ReadFeed(long afterPosition, int limit, CancellationToken cancellationToken)
    {
        var transaction = Database.CreateTransaction();
        var entries = transaction.SortedSetRangeByScoreAsync(_keys.Feed, afterPosition, double.PositiveInfinity, Exclude.Start, Order.Ascending, 0, limit);
        var head = transaction.StringGetAsync(_keys.FeedHead);
        var floor = transaction.StringGetAsync(_keys.FeedFloor);
        await transaction.ExecuteAsync();
        var changes = (await entries).Select(entry => JsonSerializer.Deserialize<CrmChange>((string)entry!, JsonSerializerOptions.Web)!).ToList();
        return new FeedPage(changes, (long?)await head ?? 0, (long?)await floor ?? 0);
    }

    // The script writes the position it gives in front of the rest of the entry; Position is CrmChange's first member.
    private static string WithoutPosition(CrmChange change)
    {
        const string placeholder = "{\"position\":0,";
        var json = JsonSerializer.Serialize(change with { Position = 0 }, JsonSerializerOptions.Web);
        if (!json.StartsWith(placeholder, StringComparison.Ordinal))
            throw new InvalidOperationException($"A feed entry serialized to an unexpected shape: {json[..Math.Min(json.Length, 40)]}");
        return "{" + json[placeholder.Length..];
    }

    private (List<RedisKey> Leave, List<RedisKey> Join) IndexMoves(RecordWrite write)
    {
        var leave = new List<RedisKey>();
        var join = new List<RedisKey>();
        if (write.Fields is null)
            return (leave, join);
        foreach (var field in SObjectSchema.Find(write.Type)?.IndexedFields ?? [])
        {
            var before = write.PreviousFields?.GetValueOrDefault(field);
            var after = write.Fields.GetValueOrDefault(field);
            if (before is not null && after is not null && FieldValues.IndexForm(before) == FieldValues.IndexForm(after))
                continue;
            if (before is not null)
                leave.Add(_keys.Index(write.Type, field, before));
            if (after is not null)
                join.Add(_keys.Index(write.Type, field, after));
        }
        return (leave, join);
    }

    private static StoredRecord? Parse(string type, string id, RedisValue value)
    {
        if (value.IsNull)
            return null;
        var text = (string)value!;
        var separator = text.IndexOf('|', StringComparison.Ordinal);
        var version = long.Parse(text.AsSpan(0, separator), CultureInfo.InvariantCulture);
        var fields = JsonSerializer.Deserialize<Dictionary<string, string?>>(text.AsSpan(separator + 1), JsonSerializerOptions.Web)!;
        return new StoredRecord(type, id, version, fields);
    }
}
