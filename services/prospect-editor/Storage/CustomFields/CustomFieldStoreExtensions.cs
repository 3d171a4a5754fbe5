using Sync.ProspectEditor.Prospects;

namespace Sync.ProspectEditor.Storage;

public static class CustomFieldStoreExtensions
{
    /// <summary>The names prospects' fields go by now: the standard ones and every custom field in the store.</summary>
    public static async Task<ProspectFields> Catalog(this ICustomFieldStore customFields, CancellationToken cancellationToken) =>
        new((await customFields.All(cancellationToken)).Select(field => field.Name));
}
