using System.Text.Json.Nodes;
using Sync.CrmSimulator.Users;

namespace Sync.CrmSimulator.Apis.Salesforce;

/// <summary>A request to the Salesforce-shaped API, from HTTP or from a composite subrequest.</summary>
public sealed record SalesforceRequest(
    CrmUser User,
    IReadOnlyDictionary<string, string> RouteValues,
    IReadOnlyDictionary<string, string> Query,
    JsonNode? Body)
{
    public string Route(string name) => RouteValues[name];

    public string? QueryValue(string name) => Query.GetValueOrDefault(name);
}
