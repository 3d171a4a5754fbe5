using System.Text.Json.Nodes;
using Sync.CrmSimulator.Crm;
using Sync.CrmSimulator.Users;

namespace Sync.CrmSimulator.Apis;

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

/// <summary>An answer of the Salesforce-shaped API: a status, a JSON body (none for 204), and headers such as Location.</summary>
public sealed record SalesforceResult(int Status, JsonNode? Body, IReadOnlyDictionary<string, string>? Headers = null)
{
    public static SalesforceResult Ok(JsonNode body) => new(StatusCodes.Status200OK, body);

    public static SalesforceResult NoContent { get; } = new(StatusCodes.Status204NoContent, null);

    public static SalesforceResult Error(int status, params CrmApiError[] errors) =>
        new(status, new JsonArray([.. errors.Select(error => (JsonNode)error.ToRequestError())]));

    public bool Succeeded => Status is >= 200 and < 300;
}

/// <summary>
/// The resources of the API under /services/data/v60.0, in one table: the HTTP endpoints are mapped from it, and
/// composite subrequests are routed through it, so both reach the very same handlers. Literal segments come before
/// parameters, so "sobjects/Lead/describe" is the describe resource and not a record.
/// </summary>
public sealed record SalesforceRoute(string Method, string Template, bool Charged, Func<SalesforceResources, SalesforceRequest, CancellationToken, Task<SalesforceResult>> Handle)
{
    public const string BasePath = "/services/data/v60.0";

    public static IReadOnlyList<SalesforceRoute> All { get; } =
    [
        new("GET", "limits", Charged: false, (api, request, token) => api.Limits(token)),
        new("GET", "changes", Charged: false, (api, request, token) => api.Changes(request, token)),
        new("GET", "query", Charged: true, (api, request, token) => api.Query(request, token)),
        new("POST", "composite", Charged: true, (api, request, token) => api.Composite(request, token)),
        new("POST", "composite/sobjects", Charged: true, (api, request, token) => api.CreateCollection(request, token)),
        new("PATCH", "composite/sobjects", Charged: true, (api, request, token) => api.UpdateCollection(request, token)),
        new("DELETE", "composite/sobjects", Charged: true, (api, request, token) => api.DeleteCollection(request, token)),
        new("GET", "composite/sobjects/{type}", Charged: true, (api, request, token) => api.RetrieveCollection(request, token)),
        new("GET", "sobjects/{type}/describe", Charged: true, (api, request, token) => api.Describe(request, token)),
        new("POST", "sobjects/Lead/{id}/convert", Charged: true, (api, request, token) => api.ConvertLead(request, token)),
        new("POST", "sobjects/{type}/{id}/undelete", Charged: true, (api, request, token) => api.Undelete(request, token)),
        new("POST", "sobjects/{type}", Charged: true, (api, request, token) => api.Create(request, token)),
        new("GET", "sobjects/{type}/{id}", Charged: true, (api, request, token) => api.Read(request, token)),
        new("PATCH", "sobjects/{type}/{id}", Charged: true, (api, request, token) => api.Update(request, token)),
        new("DELETE", "sobjects/{type}/{id}", Charged: true, (api, request, token) => api.Delete(request, token)),
    ];

    /// <summary>The route a method and path (relative to <see cref="BasePath"/>) lead to, with its parameters.</summary>
    public static (SalesforceRoute Route, Dictionary<string, string> Values)? Match(string method, string path)
    {
        var segments = path.Trim('/').Split('/');
        foreach (var route in All.Where(route => string.Equals(route.Method, method, StringComparison.OrdinalIgnoreCase)))
        {
            var template = route.Template.Split('/');
            if (template.Length != segments.Length)
                continue;
            var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            var matched = true;
            for (var i = 0; i < template.Length && matched; i++)
            {
                if (template[i].StartsWith('{'))
                    values[template[i].Trim('{', '}')] = Uri.UnescapeDataString(segments[i]);
                else
                    matched = string.Equals(template[i], segments[i], StringComparison.OrdinalIgnoreCase);
            }
            if (matched)
                return (route, values);
        }
        return null;
    }
}
