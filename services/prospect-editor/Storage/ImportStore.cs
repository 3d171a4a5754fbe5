using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Sync.Contracts;
using Sync.ProspectEditor.Configuration;
using Sync.ProspectEditor.Imports;
using Sync.ServiceDefaults.Storage;

namespace Sync.ProspectEditor.Storage;

/// <summary>
/// Import reports, kept Import:ReportsKeptFor after they were last saved so an operator can read what an import did, and the import's outbox: each
/// <see cref="ProspectsImported"/> is staged here before it is published and removed once the broker confirmed it.
/// </summary>
public interface IImportStore
{
    Task SaveReport(ImportReport report, CancellationToken cancellationToken);

    Task<ImportReport?> GetReport(Guid importId, CancellationToken cancellationToken);

    Task Stage(ProspectsImported part, CancellationToken cancellationToken);

    Task<IReadOnlyList<ProspectsImported>> Staged(int limit, CancellationToken cancellationToken);

    Task<long> StagedCount(CancellationToken cancellationToken);

    Task Unstage(Guid eventId, CancellationToken cancellationToken);
}

public sealed class RedisImportStore(IConnectionMultiplexer redis, IOptions<RedisOptions> options, IOptions<ImportOptions> imports) : IImportStore
{
    private readonly RedisKeys _keys = options.KeysFor("prospect-editor");

    private RedisKey StagedKey => _keys.Key("outbox-imports");

    public Task SaveReport(ImportReport report, CancellationToken cancellationToken) =>
        redis.GetDatabase().StringSetAsync(_keys.Key($"import:{report.ImportId:N}"), JsonSerializer.Serialize(report, RedisProspectStore.Json),
            imports.Value.ReportsKeptFor);

    public async Task<ImportReport?> GetReport(Guid importId, CancellationToken cancellationToken) =>
        await redis.GetDatabase().StringGetAsync(_keys.Key($"import:{importId:N}")) is { HasValue: true } value
            ? JsonSerializer.Deserialize<ImportReport>((string)value!, RedisProspectStore.Json)
            : null;

    public Task Stage(ProspectsImported part, CancellationToken cancellationToken) =>
        redis.GetDatabase().HashSetAsync(StagedKey, part.EventId.ToString(), JsonSerializer.Serialize(part, RedisProspectStore.Json));

    public async Task<IReadOnlyList<ProspectsImported>> Staged(int limit, CancellationToken cancellationToken)
    {
        var staged = new List<ProspectsImported>();
        await foreach (var entry in redis.GetDatabase().HashScanAsync(StagedKey, pageSize: Math.Min(limit, 100)))
        {
            staged.Add(JsonSerializer.Deserialize<ProspectsImported>((string)entry.Value!, RedisProspectStore.Json)!);
            if (staged.Count >= limit)
                break;
        }
        return staged;
    }

    public Task<long> StagedCount(CancellationToken cancellationToken) => redis.GetDatabase().HashLengthAsync(StagedKey);

    public Task Unstage(Guid eventId, CancellationToken cancellationToken) =>
        redis.GetDatabase().HashDeleteAsync(StagedKey, eventId.ToString());
}

/// <summary>Import reports and staged parts in memory, for the embedded host: the same contract as <see cref="RedisImportStore"/>, report expiry included.</summary>
public sealed class InMemoryImportStore(IOptions<ImportOptions> imports, TimeProvider time) : IImportStore
{
    private readonly ExpiringDictionary<Guid, ImportReport> _reports = new(time);
    private readonly ConcurrentDictionary<Guid, ProspectsImported> _staged = new();

    public Task SaveReport(ImportReport report, CancellationToken cancellationToken)
    {
        _reports.Set(report.ImportId, report, imports.Value.ReportsKeptFor);
        return Task.CompletedTask;
    }

    public Task<ImportReport?> GetReport(Guid importId, CancellationToken cancellationToken) =>
        Task.FromResult(_reports.TryGetValue(importId, out var report) ? report : null);

    public Task Stage(ProspectsImported part, CancellationToken cancellationToken)
    {
        _staged[part.EventId] = part;
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<ProspectsImported>> Staged(int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ProspectsImported>>(_staged.Values.OrderBy(part => part.OccurredAt).Take(limit).ToList());

    public Task<long> StagedCount(CancellationToken cancellationToken) => Task.FromResult((long)_staged.Count);

    public Task Unstage(Guid eventId, CancellationToken cancellationToken)
    {
        _staged.TryRemove(eventId, out _);
        return Task.CompletedTask;
    }
}
