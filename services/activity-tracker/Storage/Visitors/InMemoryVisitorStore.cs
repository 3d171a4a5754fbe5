using Microsoft.Extensions.Options;
using Sync.ActivityTracker.Configuration;
using Sync.ServiceDefaults.Storage;

namespace Sync.ActivityTracker.Storage;

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
