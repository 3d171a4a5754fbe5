using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Sync.ActivityTracker.Tracking;
using Sync.ServiceDefaults.Storage;

namespace Sync.ActivityTracker.Storage;

[JsonConverter(typeof(JsonStringEnumConverter<TrackedLinkKind>))]
public enum TrackedLinkKind
{
    /// <summary>A custom redirect: a tracked link placed on a page, an ad or a social post.</summary>
    CustomRedirect,

    /// <summary>A tracked link in an e-mail sent to the prospect.</summary>
    EmailLink,
}

/// <summary>A tracked link: /r/{code} redirects to the target and records the click for the prospect it was sent to.</summary>
public sealed record TrackedLink(string Code, string Target, long ProspectId, TrackedLinkKind Kind, string? Name, DateTimeOffset CreatedAt);

/// <summary>Tracked links: each is kept Tracking:LinksKeptFor after it was created or last read (followed), then forgotten.</summary>
public interface ITrackedLinkStore
{
    /// <summary>Stores the link unless its code is taken; false then.</summary>
    Task<bool> TryAdd(TrackedLink link, CancellationToken cancellationToken);

    /// <summary>The link, kept for the whole retention again from now; null when there is none (or it expired).</summary>
    Task<TrackedLink?> Get(string code, CancellationToken cancellationToken);
}

public sealed class RedisTrackedLinkStore(IConnectionMultiplexer redis, IOptions<RedisOptions> options, IOptions<TrackingOptions> tracking) : ITrackedLinkStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly RedisKeys _keys = options.KeysFor("activity-tracker");

    public Task<bool> TryAdd(TrackedLink link, CancellationToken cancellationToken) =>
        redis.GetDatabase().StringSetAsync(_keys.Key($"link:{link.Code}"), JsonSerializer.Serialize(link, Json), tracking.Value.LinksKeptFor, When.NotExists);

    public async Task<TrackedLink?> Get(string code, CancellationToken cancellationToken) =>
        await redis.GetDatabase().StringGetSetExpiryAsync(_keys.Key($"link:{code}"), tracking.Value.LinksKeptFor) is { HasValue: true } value
            ? JsonSerializer.Deserialize<TrackedLink>((string)value!, Json)
            : null;
}

/// <summary>Tracked links in memory, for the embedded host: the same contract as <see cref="RedisTrackedLinkStore"/>, expiry included.</summary>
public sealed class InMemoryTrackedLinkStore(IOptions<TrackingOptions> tracking, TimeProvider time) : ITrackedLinkStore
{
    private readonly ExpiringDictionary<string, TrackedLink> _links = new(time, StringComparer.Ordinal);

    public Task<bool> TryAdd(TrackedLink link, CancellationToken cancellationToken) =>
        Task.FromResult(_links.TryAdd(link.Code, link, tracking.Value.LinksKeptFor));

    public Task<TrackedLink?> Get(string code, CancellationToken cancellationToken) =>
        Task.FromResult(_links.TryGetValue(code, out var link) && _links.Touch(code, tracking.Value.LinksKeptFor) ? link : null);
}
