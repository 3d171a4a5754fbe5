using System.Text.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Sync.Contracts;
using Sync.ProspectEditor.Configuration;
using Sync.ProspectEditor.Imports;
using Sync.ServiceDefaults.Storage;

namespace Sync.ProspectEditor.Storage;

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
