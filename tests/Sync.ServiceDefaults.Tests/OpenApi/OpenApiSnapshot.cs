using System.Text.Json;
using System.Text.Json.Nodes;
using Sync.ServiceDefaults.Tests.Processes;
using Sync.Testing;

namespace Sync.ServiceDefaults.Tests.OpenApi;

/// <summary>
/// A service's OpenAPI document in the form its committed snapshot holds: the address it ran on removed (the servers list),
/// every object's members in ordinal order, indented, so two runs of an unchanged API give the same text.
/// </summary>
public static class OpenApiSnapshot
{
    /// <summary>Set to 1 to write each service's current document over its snapshot instead of comparing.</summary>
    public const string UpdateVariable = "SYNC_UPDATE_OPENAPI_SNAPSHOTS";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static bool Updating => Environment.GetEnvironmentVariable(UpdateVariable) == "1";

    public static string Normalise(string document)
    {
        var root = JsonNode.Parse(document) ?? throw new InvalidDataException("The OpenAPI document is empty.");
        if (root is JsonObject top)
            top.Remove("servers");
        return Sorted(root)!.ToJsonString(Indented).ReplaceLineEndings("\n") + "\n";
    }

    /// <summary>Where a service's snapshot is committed: tests/Sync.ServiceDefaults.Tests/OpenApi/&lt;service&gt;.json.</summary>
    public static string PathOf(string service) =>
        Path.Combine(BuiltService.RepositoryRoot, "tests", "Sync.ServiceDefaults.Tests", "OpenApi", service + ".json");

    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject members => new JsonObject(members
            .OrderBy(member => member.Key, StringComparer.Ordinal)
            .Select(member => KeyValuePair.Create(member.Key, Sorted(member.Value)))),
        JsonArray items => new JsonArray(items.Select(Sorted).ToArray()),
        null => null,
        _ => node.DeepClone(),
    };
}
