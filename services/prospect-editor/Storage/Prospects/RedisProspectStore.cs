using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Sync.Contracts;
using Sync.ProspectEditor.Prospects;
using Sync.ServiceDefaults.Storage;

namespace Sync.ProspectEditor.Storage;

/// <summary>
/// Prospects in Redis. Each prospect's record and outbox share the hash tag {p:id}, so the script that writes both runs on
/// one Cluster slot. Two keys are global: the e-mail claims (one key per address) and the pending-outbox index, which a
/// writer marks before its script runs, so a crash between the two leaves a mark to drain. Only a write slower than the
/// sweep's grace, followed by a crash, can leave events without a mark; the relay's backstop scan finds those.
/// </summary>
public sealed class RedisProspectStore(IConnectionMultiplexer redis, IOptions<RedisOptions> options) : IProspectStore
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static readonly string WriteScript = EmbeddedLuaScript.Load<RedisProspectStore>("Prospects/write-prospect.lua");
    private static readonly string MarkScript = EmbeddedLuaScript.Load<RedisProspectStore>("Prospects/mark-outbox.lua");
    private static readonly string PendingScript = EmbeddedLuaScript.Load<RedisProspectStore>("Prospects/pending-outboxes.lua");
    private static readonly string ReleaseScript = EmbeddedLuaScript.Load<RedisProspectStore>("Prospects/release-outbox.lua");

    private readonly RedisKeys _keys = options.KeysFor("prospect-editor");

    private IDatabase Database => redis.GetDatabase();

    private RedisKey ProspectKey(long id) => _keys.ProspectKey(id, "prospect");

    private RedisKey OutboxKey(long id) => _keys.ProspectKey(id, "outbox");

    private RedisKey EmailKey(string email) => _keys.Key($"email:{email}");

    private RedisKey NextIdKey => _keys.Key("next-id");

    private RedisKey PendingKey => _keys.Key("outbox-pending");

    public async Task<Prospect?> Get(long prospectId, CancellationToken cancellationToken) =>
        Read(await Database.HashGetAsync(ProspectKey(prospectId), "data"));

    public async Task<IReadOnlyList<Prospect>> GetMany(IReadOnlyList<long> prospectIds, CancellationToken cancellationToken)
    {
        var database = Database;
        var reads = prospectIds.Select(id => database.HashGetAsync(ProspectKey(id), "data")).ToArray();
        var values = await Task.WhenAll(reads);
        return values.Select(Read).OfType<Prospect>().ToList();
    }

    public async Task<long?> FindClaim(string email, CancellationToken cancellationToken) =>
        await Database.StringGetAsync(EmailKey(email)) is { HasValue: true } value ? (long)value : null;

    public async Task<EmailClaim> Claim(string email, CancellationToken cancellationToken)
    {
        var database = Database;
        if (await database.StringGetAsync(EmailKey(email)) is { HasValue: true } existing)
            return new EmailClaim((long)existing, Claimed: false);
        var id = await database.StringIncrementAsync(NextIdKey);
        if (await database.StringSetAsync(EmailKey(email), id, when: When.NotExists))
            return new EmailClaim(id, Claimed: true);
        // Another caller claimed it between our read and our write; its id is the address's id.
        return new EmailClaim((long)await database.StringGetAsync(EmailKey(email)), Claimed: false);
    }

    public async Task<bool> TryWrite(Prospect prospect, long expectedRevision, ProspectChanged change, CancellationToken cancellationToken)
    {
        var database = Database;
        await database.ScriptEvaluateAsync(MarkScript, [PendingKey], [prospect.Id]);
        var result = (long)await database.ScriptEvaluateAsync(WriteScript, [ProspectKey(prospect.Id), OutboxKey(prospect.Id)],
        [
            expectedRevision,
            prospect.Revision,
            JsonSerializer.Serialize(prospect, Json),
            change.EventId.ToString(),
            JsonSerializer.Serialize(change, Json),
        ]);
        return result == -1;
    }

    public async Task<long> HighestId(CancellationToken cancellationToken) =>
        await Database.StringGetAsync(NextIdKey) is { HasValue: true } value ? (long)value : 0;

    public async Task<IReadOnlyList<OutboxMark>> PendingOutboxes(TimeSpan markedBefore, int limit, CancellationToken cancellationToken)
    {
        var result = (RedisResult[])(await Database.ScriptEvaluateAsync(PendingScript, [PendingKey],
            [(long)markedBefore.TotalMilliseconds, limit]))!;
        var marks = new List<OutboxMark>(result.Length / 2);
        for (var index = 0; index + 1 < result.Length; index += 2)
            marks.Add(new OutboxMark((long)result[index], double.Parse((string)result[index + 1]!, CultureInfo.InvariantCulture)));
        return marks;
    }

    public Task<long> PendingOutboxCount(CancellationToken cancellationToken) => Database.SortedSetLengthAsync(PendingKey);

    public async Task<IReadOnlyList<ProspectChanged>> ReadOutbox(long prospectId, CancellationToken cancellationToken)
    {
        var entries = await Database.HashGetAllAsync(OutboxKey(prospectId));
        return entries.Select(entry => JsonSerializer.Deserialize<ProspectChanged>((string)entry.Value!, Json)!)
            .OrderBy(change => change.Revision).ToList();
    }

    public async Task Acknowledge(long prospectId, IReadOnlyCollection<Guid> eventIds, CancellationToken cancellationToken)
    {
        if (eventIds.Count > 0)
            await Database.HashDeleteAsync(OutboxKey(prospectId), eventIds.Select(id => (RedisValue)id.ToString()).ToArray());
    }

    public async Task<bool> ReleaseIfDrained(OutboxMark mark, CancellationToken cancellationToken)
    {
        var database = Database;
        if (await database.HashLengthAsync(OutboxKey(mark.ProspectId)) > 0)
            return false;
        return (long)await database.ScriptEvaluateAsync(ReleaseScript, [PendingKey],
            [mark.ProspectId, mark.Score.ToString("R", CultureInfo.InvariantCulture)]) == 1;
    }

    public async IAsyncEnumerable<IReadOnlyList<long>> OutboxesWithEvents(int scanStep, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Redis deletes a hash once it is empty, so every outbox key that exists holds events.
        var pattern = $"{_keys.Prefix}:{{p:*}}:outbox";
        foreach (var server in redis.GetServers().Where(server => !server.IsReplica && server.IsConnected))
        {
            var cursor = "0";
            do
            {
                cancellationToken.ThrowIfCancellationRequested();
                var reply = (RedisResult[])(await server.ExecuteAsync("SCAN", cursor, "MATCH", pattern, "COUNT", scanStep))!;
                cursor = (string)reply[0]!;
                yield return ((RedisResult[])reply[1]!).Select(key => ProspectIdOf((string)key!)).ToList();
            }
            while (cursor != "0");
        }
    }

    public async Task<int> MarkUnmarked(IReadOnlyList<long> prospectIds, CancellationToken cancellationToken)
    {
        if (prospectIds.Count == 0)
            return 0;
        var database = Database;
        var marked = await Task.WhenAll(prospectIds.Select(id => database.SortedSetAddAsync(PendingKey, id, 0, SortedSetWhen.NotExists)));
        return marked.Count(added => added);
    }

    // "{prefix}:prospect-editor:{p:42}:outbox" is prospect 42's.
    private static long ProspectIdOf(string outboxKey)
    {
        var start = outboxKey.LastIndexOf("{p:", StringComparison.Ordinal) + 3;
        return long.Parse(outboxKey.AsSpan(start, outboxKey.IndexOf('}', start) - start), CultureInfo.InvariantCulture);
    }

    private static Prospect? Read(RedisValue value) =>
        value.HasValue ? JsonSerializer.Deserialize<Prospect>((string)value!, Json) : null;
}
