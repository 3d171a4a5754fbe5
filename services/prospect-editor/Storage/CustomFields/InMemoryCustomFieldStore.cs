using System.Collections.Concurrent;
using Sync.ProspectEditor.Prospects;

namespace Sync.ProspectEditor.Storage;

public sealed class InMemoryCustomFieldStore : ICustomFieldStore
{
    private readonly ConcurrentDictionary<string, CustomField> _fields = new(StringComparer.Ordinal);

    public Task<bool> TryAdd(CustomField field, CancellationToken cancellationToken) =>
        Task.FromResult(_fields.TryAdd(ProspectFields.Key(field.Name), field));

    public Task<IReadOnlyList<CustomField>> All(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<CustomField>>(_fields.Values.OrderBy(field => field.CreatedAt).ToList());
}
