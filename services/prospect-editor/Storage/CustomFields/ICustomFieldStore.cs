using Sync.ProspectEditor.Prospects;

namespace Sync.ProspectEditor.Storage;

/// <summary>A custom prospect field an operator created.</summary>
public sealed record CustomField(string Name, string? Label, DateTimeOffset CreatedAt);

public interface ICustomFieldStore
{
    /// <summary>Adds the field unless one with the same name (compared as <see cref="ProspectFields.Key"/>) exists; false then.</summary>
    Task<bool> TryAdd(CustomField field, CancellationToken cancellationToken);

    Task<IReadOnlyList<CustomField>> All(CancellationToken cancellationToken);
}
