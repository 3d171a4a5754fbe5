using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
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

public interface ITrackedLinkStore
{
    /// <summary>Stores the link unless its code is taken; false then.</summary>
    Task<bool> TryAdd(TrackedLink link, CancellationToken cancellationToken);

    Task<TrackedLink?> Get(string code, CancellationToken cancellationToken);
}

public sealed class RedisTrackedLinkStore(IConnectionMultiplexer redis, IOptions<RedisOptions> options) : ITrackedLinkStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly RedisKeys _keys = options.KeysFor("activity-tracker");

    public Task<bool> TryAdd(TrackedLink link, CancellationToken cancellationToken) =>
        redis.GetDatabase().StringSetAsync(_keys.Key($"link:{link.Code}"), JsonSerializer.Serialize(link, Json), when: When.NotExists);

    public async Task<TrackedLink?> Get(string code, CancellationToken cancellationToken) =>
        await redis.GetDatabase().StringGetAsync(_keys.Key($"link:{code}")) is { HasValue: true } value
            ? JsonSerializer.Deserialize<TrackedLink>((string)value!, Json)
            : null;
}

public sealed class InMemoryTrackedLinkStore : ITrackedLinkStore
{
    private readonly ConcurrentDictionary<string, TrackedLink> _links = new(StringComparer.Ordinal);

    public Task<bool> TryAdd(TrackedLink link, CancellationToken cancellationToken) => Task.FromResult(_links.TryAdd(link.Code, link));

    public Task<TrackedLink?> Get(string code, CancellationToken cancellationToken) => Task.FromResult(_links.GetValueOrDefault(code));
}
