using System.Text.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Sync.ProspectEditor.Prospects;
using Sync.ServiceDefaults.Storage;

namespace Sync.ProspectEditor.Storage;

public sealed class RedisCustomFieldStore(IConnectionMultiplexer redis, IOptions<RedisOptions> options) : ICustomFieldStore
{
    private readonly RedisKey _key = options.KeysFor("prospect-editor").Key("custom-fields");

    public Task<bool> TryAdd(CustomField field, CancellationToken cancellationToken) =>
        redis.GetDatabase().HashSetAsync(_key, ProspectFields.Key(field.Name), JsonSerializer.Serialize(field, RedisProspectStore.Json), When.NotExists);

    public async Task<IReadOnlyList<CustomField>> All(CancellationToken cancellationToken) =>
        (await redis.GetDatabase().HashValuesAsync(_key))
            .Select(value => JsonSerializer.Deserialize<CustomField>((string)value!, RedisProspectStore.Json)!)
            .OrderBy(field => field.CreatedAt).ToList();
}
