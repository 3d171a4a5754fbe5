using Sync.Clients.ProspectEditor;
using Sync.Contracts;
using Sync.ProspectEditor.Prospects;
using Sync.ServiceDefaults.Http;

namespace Sync.ProspectEditor.Apis;

/// <summary>The checks the prospect endpoints share: an address, fields by the catalog, who makes a change, a list of ids.</summary>
internal static class ProspectRequestChecks
{
    internal static string? Email(string? email, RequestValidation validation)
    {
        var normalized = ProspectEmail.Normalize(email, out var problem);
        if (normalized is null)
            validation.Add("email", problem!);
        return normalized;
    }

    internal static Dictionary<string, string?> Fields(IReadOnlyDictionary<string, string?>? fields, ProspectFields catalog, RequestValidation validation)
    {
        var resolved = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (name, value) in fields ?? new Dictionary<string, string?>())
        {
            var member = $"fields.{name}";
            if (ProspectFields.Key(name) is "email" or "emailaddress")
                validation.Add(member, "The e-mail address identifies the prospect and is not a field: it cannot be set here.");
            else if (catalog.Resolve(name) is not { } canonical)
                validation.Add(member, $"No prospect field is named '{name}'; create it first with POST /custom-fields.");
            else if (ProspectValues.FieldValue(value) is { } problem)
                validation.Add(member, problem);
            else
                resolved[canonical] = value?.Trim();
        }
        return resolved;
    }

    internal static ChangeAttribution Attribution(
        ChangeOrigin? origin, ChangeOrigin fallback, IReadOnlyList<ChangeOrigin> allowed, string? changedBy, RequestValidation validation)
    {
        var chosen = origin ?? fallback;
        if (!allowed.Contains(chosen))
        {
            var reason = chosen switch
            {
                ChangeOrigin.Sync => "Sync is reserved for the sync-worker's write-back (POST /prospects/sync-writes).",
                ChangeOrigin.Import => "Import is reserved for CSV imports (POST /imports).",
                ChangeOrigin.AutomationRule => "AutomationRule is reserved for rule runs (POST /automation-rules/{id}/run).",
                _ => "This origin cannot make this change.",
            };
            validation.Add("origin", $"{reason} Allowed here: {string.Join(", ", allowed)}.");
        }
        validation.Report("changedBy", ProspectValues.ChangedBy(changedBy));
        return new ChangeAttribution(chosen, string.IsNullOrWhiteSpace(changedBy) ? null : changedBy.Trim());
    }

    internal static void Ids(IReadOnlyList<long>? ids, string member, RequestValidation validation)
    {
        if (ids is null or { Count: 0 })
        {
            validation.Add(member, "List at least one prospect id.");
            return;
        }
        if (ids.Count > ProspectEditorApi.MaxBatch)
            validation.Add(member, $"At most {ProspectEditorApi.MaxBatch} ids per request.");
        for (var index = 0; index < ids.Count; index++)
        {
            if (ids[index] <= 0)
                validation.Add($"{member}[{index}]", "Prospect ids are positive.");
        }
    }
}
