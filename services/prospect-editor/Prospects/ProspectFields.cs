namespace Sync.ProspectEditor.Prospects;

/// <summary>
/// The names a prospect's fields go by: the standard ones and the custom fields operators created. Names match
/// case-insensitively; a CSV header may also write them with spaces, dashes or underscores ("First Name", "first_name").
/// </summary>
public sealed class ProspectFields
{
    public const string Email = "email";
    public const string AssignedUser = "assignedUser";

    public static IReadOnlyList<string> Standard { get; } =
        ["firstName", "lastName", "company", "title", "phone", "city", "state", "country", "website", "industry"];

    private readonly Dictionary<string, string> _byKey = new(StringComparer.Ordinal);

    public ProspectFields(IEnumerable<string> customFields)
    {
        foreach (var name in Standard.Concat(customFields))
            _byKey.TryAdd(Key(name), name);
    }

    /// <summary>The canonical name of a field, or null when no standard or custom field has that name.</summary>
    public string? Resolve(string? name) => name is not null && _byKey.TryGetValue(Key(name), out var canonical) ? canonical : null;

    /// <summary>The form a name is compared in: letters and digits only, lower-case.</summary>
    public static string Key(string name) =>
        string.Concat(name.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant));

    public static bool IsStandard(string name) => Standard.Any(field => Key(field) == Key(name));
}
