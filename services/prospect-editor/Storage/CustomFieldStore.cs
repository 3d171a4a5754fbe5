using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Sync.ProspectEditor.Prospects;
using Sync.ServiceDefaults.Storage;

namespace Sync.ProspectEditor.Storage;

/// <summary>A custom prospect field an operator created.</summary>
public sealed record CustomField(string Name, string? Label, DateTimeOffset CreatedAt);

public interface ICustomFieldStore
{
    /// <summary>Adds the field unless one with the same name (compared as <see cref="ProspectFields.Key"/>) exists; false then.</summary>
    Task<bool> TryAdd(CustomField field, CancellationToken cancellationToken);

    Task<IReadOnlyList<CustomField>> All(CancellationToken cancellationToken);
}

public static class CustomFieldStoreExtensions
{
    /// <summary>The names prospects' fields go by now: the standard ones and every custom field in the store.</summary>
    public static async Task<ProspectFields> Catalog(this ICustomFieldStore customFields, CancellationToken cancellationToken) =>
        new((await customFields.All(cancellationToken)).Select(field => field.Name));
}

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

public sealed class InMemoryCustomFieldStore : ICustomFieldStore
{
    private readonly ConcurrentDictionary<string, CustomField> _fields = new(StringComparer.Ordinal);

    public Task<bool> TryAdd(CustomField field, CancellationToken cancellationToken) =>
        Task.FromResult(_fields.TryAdd(ProspectFields.Key(field.Name), field));

    public Task<IReadOnlyList<CustomField>> All(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<CustomField>>(_fields.Values.OrderBy(field => field.CreatedAt).ToList());
}
