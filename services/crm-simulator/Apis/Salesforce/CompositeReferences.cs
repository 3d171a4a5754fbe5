using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Sync.CrmSimulator.Errors;

namespace Sync.CrmSimulator.Apis.Salesforce;

/// <summary>
/// A composite subrequest's "@{referenceId.path}" references to earlier answers, such as <c>@{acct.id}</c> or
/// <c>@{q.records[0].Id}</c>, replaced in its url and body; a reference to a failed subrequest, or to nothing, halts it
/// with PROCESSING_HALTED.
/// </summary>
public static partial class CompositeReferences
{
    public static bool IsReferenceId(string referenceId) => ReferenceIdPattern().IsMatch(referenceId);

    public static string Substitute(string text, IReadOnlyList<(string ReferenceId, SalesforceResult Result)> earlier) =>
        Reference().Replace(text, match => Resolve(match.Groups[1].Value, match.Groups[2].Value, earlier));

    /// <summary>Replaces the references in every string of <paramref name="node"/>, which it changes.</summary>
    public static JsonNode? SubstituteIn(JsonNode? node, IReadOnlyList<(string ReferenceId, SalesforceResult Result)> earlier)
    {
        switch (node)
        {
            case JsonObject json:
                foreach (var name in json.Select(property => property.Key).ToList())
                    json[name] = SubstituteIn(json[name]?.DeepClone(), earlier);
                return json;
            case JsonArray array:
                return new JsonArray([.. array.Select(item => SubstituteIn(item?.DeepClone(), earlier))]);
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                return JsonValue.Create(Substitute(value.GetValue<string>(), earlier));
            default:
                return node;
        }
    }

    private static string Resolve(string referenceId, string path, IReadOnlyList<(string ReferenceId, SalesforceResult Result)> earlier)
    {
        var halted = new CrmApiException(400, new CrmApiError("PROCESSING_HALTED",
            $"Invalid reference specified. No value for {referenceId}.{path} found in {referenceId}."));
        var answer = earlier.FirstOrDefault(candidate => candidate.ReferenceId == referenceId);
        if (answer.Result is not { Succeeded: true, Body: { } node })
            throw halted;
        JsonNode? current = node;
        foreach (var step in path.Split('.'))
        {
            var indexed = IndexedStep().Match(step);
            current = current is JsonObject json ? json[indexed.Success ? indexed.Groups[1].Value : step] : null;
            if (indexed.Success)
                current = current is JsonArray array && int.Parse(indexed.Groups[2].Value, CultureInfo.InvariantCulture) is var index && index < array.Count ? array[index] : null;
        }
        return current is JsonValue found ? found.ToString() : throw halted;
    }

    [GeneratedRegex(@"@\{([A-Za-z][A-Za-z0-9_]*)\.([A-Za-z0-9_.\[\]]+)\}")]
    private static partial Regex Reference();

    [GeneratedRegex(@"^([A-Za-z0-9_]+)\[(\d+)\]$")]
    private static partial Regex IndexedStep();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_]*$")]
    private static partial Regex ReferenceIdPattern();
}
