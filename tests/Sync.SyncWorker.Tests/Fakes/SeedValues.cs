namespace Sync.SyncWorker.Tests.Fakes;

/// <summary>What tests seed the fake CRM and prospect-editor with: a prospect's address by its id, and field values by name.</summary>
public static class SeedValues
{
    public static string Email(long id) => $"p{id}@example.test";

    /// <summary>Prospect fields, or CRM record fields, by name.</summary>
    public static Dictionary<string, string?> Fields(params (string Name, string? Value)[] fields) =>
        fields.ToDictionary(field => field.Name, field => field.Value);
}
