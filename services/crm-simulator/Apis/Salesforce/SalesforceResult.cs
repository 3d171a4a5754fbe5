using System.Text.Json.Nodes;
using Sync.CrmSimulator.Errors;

namespace Sync.CrmSimulator.Apis.Salesforce;

/// <summary>An answer of the Salesforce-shaped API: a status, a JSON body (none for 204), and headers such as Location.</summary>
public sealed record SalesforceResult(int Status, JsonNode? Body, IReadOnlyDictionary<string, string>? Headers = null)
{
    public static SalesforceResult Ok(JsonNode body) => new(StatusCodes.Status200OK, body);

    public static SalesforceResult NoContent { get; } = new(StatusCodes.Status204NoContent, null);

    public static SalesforceResult Error(int status, params CrmApiError[] errors) =>
        new(status, new JsonArray([.. errors.Select(error => (JsonNode)error.ToRequestError())]));

    public bool Succeeded => Status is >= 200 and < 300;
}
