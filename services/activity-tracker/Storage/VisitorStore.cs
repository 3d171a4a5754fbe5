using System.Text.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Sync.ActivityTracker.Tracking;
using Sync.ServiceDefaults.Storage;

namespace Sync.ActivityTracker.Storage;

/// <summary>A visitor (a tracking cookie) and the prospect it is linked to, once it submitted a form or clicked an e-mail link.</summary>
public sealed record Visitor(string VisitorId, long? ProspectId, bool OptedOut, DateTimeOffset? LinkedAt);

/// <summary>One thing a visitor did, as activity-tracker keeps it: published for a known prospect, or kept as anonymous visitor activity.</summary>
public sealed record VisitorActivity(DateTimeOffset OccurredAt, string Kind, string? Url, long? ProspectId, Guid? EventId, string Rule);

/// <summary>
/// Visitor links and recent visitor activity; activity-tracker is their one writer. The public endpoints create visitors,
/// so a visitor is kept only Tracking:VisitorActivityKeptFor after it was last written, then forgotten.
/// </summary>
public interface IVisitorStore
{
    Task<Visitor> Get(string visitorId, CancellationToken cancellationToken);

    /// <summary>Links the visitor to the prospect from now on; what it did before stays as it was recorded.</summary>
    Task Link(string visitorId, long prospectId, DateTimeOffset at, CancellationToken cancellationToken);

    Task SetOptedOut(string visitorId, bool optedOut, CancellationToken cancellationToken);

    Task Record(string visitorId, VisitorActivity activity, CancellationToken cancellationToken);

    /// <summary>The visitor's latest activity, newest first.</summary>
    Task<IReadOnlyList<VisitorActivity>> Activity(string visitorId, int limit, CancellationToken cancellationToken);
}

public sealed class RedisVisitorStore(IConnectionMultiplexer redis, IOptions<RedisOptions> options, IOptions<TrackingOptions> tracking) : IVisitorStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly RedisKeys _keys = options.KeysFor("activity-tracker");

    // A visitor's keys share the hash tag {v:id}: one Redis Cluster slot per visitor.
    private RedisKey VisitorKey(string visitorId) => _keys.Key($"{{v:{visitorId}}}:visitor");

    private RedisKey ActivityKey(string visitorId) => _keys.Key($"{{v:{visitorId}}}:activity");

    public async Task<Visitor> Get(string visitorId, CancellationToken cancellationToken)
    {
        var fields = (await redis.GetDatabase().HashGetAllAsync(VisitorKey(visitorId))).ToDictionary(entry => (string)entry.Name!, entry => entry.Value);
        return new Visitor(
            visitorId,
            fields.TryGetValue("prospectId", out var prospectId) ? (long)prospectId : null,
            fields.TryGetValue("optedOut", out var optedOut) && optedOut == 1,
            fields.TryGetValue("linkedAt", out var linkedAt) ? DateTimeOffset.FromUnixTimeMilliseconds((long)linkedAt) : null);
    }

    public Task Link(string visitorId, long prospectId, DateTimeOffset at, CancellationToken cancellationToken) =>
        WriteVisitor(visitorId, [new HashEntry("prospectId", prospectId), new HashEntry("linkedAt", at.ToUnixTimeMilliseconds())]);

    public Task SetOptedOut(string visitorId, bool optedOut, CancellationToken cancellationToken) =>
        WriteVisitor(visitorId, [new HashEntry("optedOut", optedOut ? 1 : 0)]);

    public async Task Record(string visitorId, VisitorActivity activity, CancellationToken cancellationToken)
    {
        var keepFor = tracking.Value.VisitorActivityKeptFor;
        var batch = redis.GetDatabase().CreateTransaction();
        _ = batch.ListLeftPushAsync(ActivityKey(visitorId), JsonSerializer.Serialize(activity, Json));
        _ = batch.ListTrimAsync(ActivityKey(visitorId), 0, tracking.Value.VisitorActivityKept - 1);
        _ = batch.KeyExpireAsync(ActivityKey(visitorId), keepFor);
        // An active visitor keeps its link: the visitor hash lives as long as its latest activity.
        _ = batch.KeyExpireAsync(VisitorKey(visitorId), keepFor);
        await batch.ExecuteAsync();
    }

    private async Task WriteVisitor(string visitorId, HashEntry[] fields)
    {
        var batch = redis.GetDatabase().CreateTransaction();
        _ = batch.HashSetAsync(VisitorKey(visitorId), fields);
        _ = batch.KeyExpireAsync(VisitorKey(visitorId), tracking.Value.VisitorActivityKeptFor);
        _ = batch.KeyExpireAsync(ActivityKey(visitorId), tracking.Value.VisitorActivityKeptFor);
        await batch.ExecuteAsync();
    }

    public async Task<IReadOnlyList<VisitorActivity>> Activity(string visitorId, int limit, CancellationToken cancellationToken) =>
        (await redis.GetDatabase().ListRangeAsync(ActivityKey(visitorId), 0, limit - 1))
            .Select(value => JsonSerializer.Deserialize<VisitorActivity>((string)value!, Json)!).ToList();
}

/// <summary>Visitors in memory, for the embedded host: the same contract as <see cref="RedisVisitorStore"/>, expiry included.</summary>
public sealed class InMemoryVisitorStore(IOptions<TrackingOptions> tracking, TimeProvider time) : IVisitorStore
{
    private readonly ExpiringDictionary<string, Visitor> _visitors = new(time, StringComparer.Ordinal);
    private readonly ExpiringDictionary<string, LinkedList<VisitorActivity>> _activity = new(time, StringComparer.Ordinal);

    private TimeSpan KeepFor => tracking.Value.VisitorActivityKeptFor;

    public Task<Visitor> Get(string visitorId, CancellationToken cancellationToken) =>
        Task.FromResult(_visitors.TryGetValue(visitorId, out var visitor) ? visitor : new Visitor(visitorId, null, false, null));

    public Task Link(string visitorId, long prospectId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        _visitors.AddOrUpdate(visitorId, id => new Visitor(id, prospectId, false, at), (_, visitor) => visitor with { ProspectId = prospectId, LinkedAt = at }, KeepFor);
        _activity.Touch(visitorId, KeepFor);
        return Task.CompletedTask;
    }

    public Task SetOptedOut(string visitorId, bool optedOut, CancellationToken cancellationToken)
    {
        _visitors.AddOrUpdate(visitorId, id => new Visitor(id, null, optedOut, null), (_, visitor) => visitor with { OptedOut = optedOut }, KeepFor);
        _activity.Touch(visitorId, KeepFor);
        return Task.CompletedTask;
    }

    public Task Record(string visitorId, VisitorActivity activity, CancellationToken cancellationToken)
    {
        var list = _activity.AddOrUpdate(visitorId, _ => new LinkedList<VisitorActivity>(), (_, existing) => existing, KeepFor);
        _visitors.Touch(visitorId, KeepFor);
        lock (list)
        {
            list.AddFirst(activity);
            while (list.Count > tracking.Value.VisitorActivityKept)
                list.RemoveLast();
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<VisitorActivity>> Activity(string visitorId, int limit, CancellationToken cancellationToken)
    {
        if (!_activity.TryGetValue(visitorId, out var list))
            return Task.FromResult<IReadOnlyList<VisitorActivity>>([]);
        lock (list)
            return Task.FromResult<IReadOnlyList<VisitorActivity>>(list.Take(limit).ToList());
    }
}
