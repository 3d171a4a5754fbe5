using Microsoft.Extensions.Options;
using Sync.ActivityTracker.Configuration;
using Sync.ServiceDefaults.Storage;

namespace Sync.ActivityTracker.Storage;

/// <summary>Tracked links in memory, for the embedded host: the same contract as <see cref="RedisTrackedLinkStore"/>, expiry included.</summary>
public sealed class InMemoryTrackedLinkStore(IOptions<TrackingOptions> tracking, TimeProvider time) : ITrackedLinkStore
{
    private readonly ExpiringDictionary<string, TrackedLink> _links = new(time, StringComparer.Ordinal);

    public Task<bool> TryAdd(TrackedLink link, CancellationToken cancellationToken) =>
        Task.FromResult(_links.TryAdd(link.Code, link, tracking.Value.LinksKeptFor));

    public Task<TrackedLink?> Get(string code, CancellationToken cancellationToken) =>
        Task.FromResult(_links.TryGetValue(code, out var link) && _links.Touch(code, tracking.Value.LinksKeptFor) ? link : null);
}
