using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Sync.Contracts;
using Sync.Rules;
using Sync.ServiceDefaults.Storage;

namespace Sync.SyncEvaluator.Storage;

/// <summary>
/// The sync state in Redis. Every change is one Lua script (Storage/Lua), run by SHA (StackExchange.Redis loads it once
/// and reloads it on NOSCRIPT), touching only the keys of one prospect, which share the hash tag "{p:id}".
/// The outstanding-syncs schedule is a key of its own, changed by single-key scripts, so nothing crosses a cluster slot.
/// </summary>
public sealed class RedisSyncStateStore(IConnectionMultiplexer redis, IOptions<RedisOptions> redisOptions, IOptions<SyncStateSettings> options)
    : ISyncStateStore
{
    public const string Owner = "sync-evaluator";

    private readonly RedisKeys _keys = redisOptions.KeysFor(Owner);

    private SyncStateSettings Settings => options.Value;

    private IDatabase Database => redis.GetDatabase();

    /// <summary>The sorted set of prospects with an outstanding sync, scored by when the relay must look (ms, Redis time).</summary>
    public RedisKey ScheduleKey => _keys.Key("outstanding-syncs");

    public async Task<IReadOnlyList<SyncStep>> Apply(IReadOnlyList<SyncChange> changes, CancellationToken cancellationToken) =>
        // Sent together, the multiplexer pipelines them: an import of a thousand prospects is one round of replies.
        await Task.WhenAll(changes.Select(change => Run(change, dryRun: false)));

    public Task<SyncStep> WhatIf(SyncChange change, CancellationToken cancellationToken) => Run(change, dryRun: true);

    public async Task<SyncStep> MarkPublished(long prospectId, Guid syncId, CancellationToken cancellationToken)
    {
        var result = await Database.ScriptEvaluateAsync(LuaScripts.MarkPublished,
            [Key(prospectId, "outbox")],
            [syncId.ToString("D"), Milliseconds(Settings.Lease), Milliseconds(Settings.MaxLease)]);
        var reply = Parse(result);
        return new SyncStep { ProspectId = prospectId, At = Time(reply.Now), Outstanding = reply.Outstanding?.ToOutstanding() };
    }

    public async Task<SyncStep> ReissueIfExpired(long prospectId, CancellationToken cancellationToken)
    {
        var result = await Database.ScriptEvaluateAsync(LuaScripts.ReissueIfExpired,
            [Key(prospectId, "state"), Key(prospectId, "outbox"), Key(prospectId, "decisions")],
            [Guid.NewGuid().ToString("D"), Milliseconds(Settings.PublishGrace), Settings.DecisionsKept, Milliseconds(Settings.DecisionsRetention)]);
        var reply = Parse(result);
        var outstanding = reply.Outstanding?.ToOutstanding();
        return new SyncStep
        {
            ProspectId = prospectId,
            At = Time(reply.Now),
            Reissue = reply.Reissue?.ToDecision(),
            Outstanding = outstanding,
            ToPublish = reply.Reissue is not null && outstanding is not null ? SyncStateMachine.RequestFor(prospectId, outstanding) : null,
        };
    }

    public async Task<ProspectSyncStatus?> GetStatus(long prospectId, CancellationToken cancellationToken)
    {
        // One MULTI on one slot: the state, its outbox and the decisions as of the same instant.
        var transaction = Database.CreateTransaction();
        var state = transaction.HashGetAllAsync(Key(prospectId, "state"));
        var outbox = transaction.HashGetAllAsync(Key(prospectId, "outbox"));
        var decisions = transaction.ListRangeAsync(Key(prospectId, "decisions"), 0, Settings.DecisionsKept - 1);
        await transaction.ExecuteAsync();

        var fields = (await state).ToDictionary(entry => entry.Name.ToString(), entry => entry.Value.ToString(), StringComparer.Ordinal);
        if (fields.Count == 0)
            return null;
        var outboxFields = (await outbox).ToDictionary(entry => entry.Name.ToString(), entry => entry.Value.ToString(), StringComparer.Ordinal);
        return new ProspectSyncStatus(
            prospectId,
            ReadState(fields, outboxFields),
            (await decisions).Select(json => Deserialize<StoredDecision>(json!).ToDecision()).ToList());
    }

    public Task Schedule(long prospectId, DateTimeOffset actAt, CancellationToken cancellationToken) =>
        Database.SortedSetAddAsync(ScheduleKey, prospectId, actAt.ToUnixTimeMilliseconds());

    public Task ScheduleAhead(IReadOnlyCollection<long> prospectIds, CancellationToken cancellationToken) =>
        Database.ScriptEvaluateAsync(LuaScripts.ScheduleAhead, [ScheduleKey],
            [Milliseconds(Settings.PublishGrace), .. prospectIds.Select(prospectId => (RedisValue)prospectId)]);

    public async Task<DueSyncs> Due(int max, CancellationToken cancellationToken)
    {
        var reply = (RedisResult[])(await Database.ScriptEvaluateAsync(LuaScripts.Due, [ScheduleKey], [max]))!;
        var entries = (RedisResult[])reply[1]!;
        var due = new List<ScheduledSync>(entries.Length / 2);
        for (var i = 0; i + 1 < entries.Length; i += 2)
            due.Add(new ScheduledSync(
                long.Parse(entries[i].ToString(), CultureInfo.InvariantCulture),
                Time(long.Parse(entries[i + 1].ToString(), NumberStyles.Float, CultureInfo.InvariantCulture))));
        return new DueSyncs(Time(long.Parse(reply[0].ToString(), CultureInfo.InvariantCulture)), due);
    }

    public async Task<bool> Reschedule(long prospectId, DateTimeOffset expected, DateTimeOffset? next, CancellationToken cancellationToken)
    {
        var result = await Database.ScriptEvaluateAsync(LuaScripts.Reschedule, [ScheduleKey],
            [prospectId, expected.ToUnixTimeMilliseconds(), next is { } time ? time.ToUnixTimeMilliseconds() : ""]);
        return (long)result == 1;
    }

    private async Task<SyncStep> Run(SyncChange change, bool dryRun)
    {
        var ids = NewSyncIds.Create();
        var completion = change.Completion;
        var stamp = change.Stamp;
        var result = await Database.ScriptEvaluateAsync(LuaScripts.ApplyChange,
            [Key(change.ProspectId, "state"), Key(change.ProspectId, "outbox"), Key(change.ProspectId, "decisions"), Key(change.ProspectId, "seen")],
            [
                change.EventId.ToString("D"),
                change.EventType,
                change.Rule.Name,
                change.Rule.Moves.ToString(),
                change.Rule.Effect.ToString(),
                change.ReportedDate is { } reported ? reported.ToUnixTimeMilliseconds() : "",
                change.Revision,
                completion?.SyncId.ToString("D") ?? "",
                completion?.Version ?? 0,
                completion?.Outcome.ToString() ?? "",
                completion?.CrmLastModifiedDate is { } crmModified ? crmModified.ToUnixTimeMilliseconds() : "",
                ids.SyncId.ToString("D"),
                ids.EventId.ToString("D"),
                Milliseconds(Settings.MaxClockSkew),
                Milliseconds(Settings.PublishGrace),
                Milliseconds(Settings.DedupeWindow),
                Settings.DecisionsKept,
                dryRun ? "1" : "0",
                Milliseconds(Settings.DecisionsRetention),
                change.AlsoTriggers?.Name ?? "",
                completion?.DoNotSyncRevision is { } doNotSyncRevision ? doNotSyncRevision : "",
                stamp?.By.ToString() ?? "",
                stamp?.Revision is { } stampRevision ? stampRevision : "",
                stamp?.CrmLastModified is { } stampModified ? stampModified.ToUnixTimeMilliseconds() : "",
                completion?.ProspectRevisionRead is { } revisionRead ? revisionRead : "",
                completion?.CrmLastModifiedDateRead is { } crmRead ? crmRead.ToUnixTimeMilliseconds() : "",
            ]);
        var reply = Parse(result);
        var outstanding = reply.Outstanding?.ToOutstanding();
        return new SyncStep
        {
            ProspectId = change.ProspectId,
            At = Time(reply.Now),
            Applied = reply.Applied,
            Decision = reply.Decision?.ToDecision(),
            Reissue = reply.Reissue?.ToDecision(),
            Outstanding = outstanding,
            ToPublish = (reply.Issued || reply.Reissue is not null) && outstanding is not null
                ? SyncStateMachine.RequestFor(change.ProspectId, outstanding)
                : null,
        };
    }

    private RedisKey Key(long prospectId, string name) => _keys.ProspectKey(prospectId, name);

    private static SyncState ReadState(Dictionary<string, string> state, Dictionary<string, string> outbox) => new()
    {
        Version = Long(state, "version"),
        SettledVersion = Long(state, "settledVersion"),
        SyncedVersion = Long(state, "syncedVersion"),
        PendingRule = state.GetValueOrDefault("pendingRule"),
        LastActivityAt = OptionalTime(state, "lastActivityAt"),
        UpdatedAt = OptionalTime(state, "updatedAt"),
        CrmLastModifiedAt = OptionalTime(state, "crmLastModifiedAt"),
        LastSyncedAt = OptionalTime(state, "lastSyncedAt"),
        DoNotSync = state.GetValueOrDefault("doNotSync") == "1",
        DoNotSyncRevision = Long(state, "doNotSyncRevision"),
        SyncedRevision = Long(state, "syncedRevision"),
        SyncedCrmLastModified = OptionalTime(state, "syncedCrmLastModified"),
        Outstanding = outbox.Count == 0 ? null : new OutstandingSync(
            Guid.Parse(outbox["syncId"]),
            Long(outbox, "version"),
            outbox["rule"],
            (int)Long(outbox, "issue"),
            (int)Long(outbox, "leaseExpiries"),
            Time(Long(outbox, "issuedAt")),
            Time(Long(outbox, "leaseUntil")),
            outbox.GetValueOrDefault("published") == "1",
            Guid.Parse(outbox["requestEventId"]),
            Time(Long(outbox, "requestedAt")),
            Long(outbox, "joinedRevision"),
            OptionalTime(outbox, "joinedCrmLastModified"),
            outbox.GetValueOrDefault("joinedUnstamped") == "1"),
    };

    private static long Long(Dictionary<string, string> hash, string field) =>
        hash.TryGetValue(field, out var value) ? long.Parse(value, CultureInfo.InvariantCulture) : 0;

    private static DateTimeOffset? OptionalTime(Dictionary<string, string> hash, string field) =>
        hash.TryGetValue(field, out var value) ? Time(long.Parse(value, CultureInfo.InvariantCulture)) : null;

    private static DateTimeOffset Time(long milliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);

    private static long Milliseconds(TimeSpan duration) => (long)duration.TotalMilliseconds;

    private static ScriptReply Parse(RedisResult result) => Deserialize<ScriptReply>(result.ToString());

    private static T Deserialize<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, Json) ?? throw new InvalidOperationException($"The sync-state script returned no {typeof(T).Name}.");

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>What the scripts return; times are milliseconds since the epoch.</summary>
    private sealed record ScriptReply
    {
        public bool Applied { get; init; } = true;

        public long Now { get; init; }

        public bool Issued { get; init; }

        public StoredDecision? Decision { get; init; }

        public StoredDecision? Reissue { get; init; }

        public StoredOutstanding? Outstanding { get; init; }
    }

    private sealed record StoredOutstanding(
        Guid SyncId, long Version, string Rule, int Issue, int LeaseExpiries, long IssuedAt, long LeaseUntil, bool Published, Guid RequestEventId,
        long RequestedAt, long JoinedRevision, long? JoinedCrmLastModified, bool JoinedUnstamped)
    {
        public OutstandingSync ToOutstanding() =>
            new(SyncId, Version, Rule, Issue, LeaseExpiries, Time(IssuedAt), Time(LeaseUntil), Published, RequestEventId, Time(RequestedAt),
                JoinedRevision, JoinedCrmLastModified is { } joined ? Time(joined) : null, JoinedUnstamped);
    }

    /// <summary>A decision as the scripts keep it in the decisions list.</summary>
    private sealed record StoredDecision(
        long At,
        Guid EventId,
        string EventType,
        string Rule,
        DecisionOutcome Outcome,
        ProspectDate Moved,
        long? ReportedDate,
        long? RecordedDate,
        bool DateClamped,
        long? LastSyncedAt,
        Guid? SyncId,
        long Version,
        StoredCompletion? Completion,
        int? Issue,
        StoredStamp? Stamp,
        bool JoinsCovered)
    {
        public SyncDecision ToDecision() => new()
        {
            At = Time(At),
            EventId = EventId,
            EventType = EventType,
            Rule = Rule,
            Outcome = Outcome,
            Moved = Moved,
            ReportedDate = ReportedDate is { } reported ? Time(reported) : null,
            RecordedDate = RecordedDate is { } recorded ? Time(recorded) : null,
            DateClamped = DateClamped,
            LastSyncedAt = LastSyncedAt is { } lastSynced ? Time(lastSynced) : null,
            SyncId = SyncId,
            Version = Version,
            Completion = Completion is { } completion
                ? new SyncCompletion(completion.SyncId, completion.Version, completion.Outcome,
                    completion.CrmLastModifiedDate is { } crmModified ? Time(crmModified) : null,
                    ProspectRevisionRead: completion.ProspectRevisionRead,
                    CrmLastModifiedDateRead: completion.CrmLastModifiedDateRead is { } crmRead ? Time(crmRead) : null)
                : null,
            Issue = Issue,
            Stamp = Stamp is { } stamp
                ? new ChangeStamp(stamp.By, stamp.Revision, stamp.CrmLastModified is { } stampModified ? Time(stampModified) : null)
                : null,
            JoinsCovered = JoinsCovered,
        };
    }

    private sealed record StoredCompletion(
        Guid SyncId, long Version, SyncOutcome Outcome, long? CrmLastModifiedDate, long? ProspectRevisionRead, long? CrmLastModifiedDateRead);

    private sealed record StoredStamp(SyncCoverage By, long? Revision, long? CrmLastModified);
}
