namespace Sync.CrmSimulator.Apis.Salesforce;

/// <summary>
/// The resources of the API under /services/data/v60.0, in one table: the HTTP endpoints are mapped from it, and
/// composite subrequests are routed through it, so both reach the very same handlers. Literal segments come before
/// parameters, so "sobjects/Lead/describe" is the describe resource and not a record. Each REST family has its handler
/// type (<see cref="SObjectResources"/>, <see cref="SObjectCollectionResources"/>, ...); a new resource is a row here and a
/// method there, and is charged, session-checked and fault-injected by <see cref="SalesforceRequestFilter"/> like the rest.
/// </summary>
/// <param name="Handle">Runs the resource with the handlers of the request's services.</param>
public sealed record SalesforceRoute(
    string Method, string Template, bool Charged, Func<IServiceProvider, SalesforceRequest, CancellationToken, Task<SalesforceResult>> Handle)
{
    public const string BasePath = "/services/data/v60.0";

    /// <summary>The status of the resource's success: 201 for a created record, 204 (no body) for a saved or deleted one.</summary>
    public int Succeeds { get; init; } = StatusCodes.Status200OK;

    /// <summary>Statuses the resource refuses with besides those every resource may (see <see cref="SalesforceHttpResult"/>).</summary>
    public IReadOnlyList<int> AlsoRefuses { get; init; } = [];

    public static IReadOnlyList<SalesforceRoute> All { get; } =
    [
        To<LimitsResource>("GET", "limits", charged: false, (api, request, token) => api.Limits(token)),
        To<ChangeFeedResource>("GET", "changes", charged: false, (api, request, token) => api.Changes(request, token)) with { AlsoRefuses = [StatusCodes.Status410Gone] },
        To<QueryResource>("GET", "query", charged: true, (api, request, token) => api.Query(request, token)),
        To<CompositeResource>("POST", "composite", charged: true, (api, request, token) => api.Composite(request, token)),
        To<SObjectCollectionResources>("POST", "composite/sobjects", charged: true, (api, request, token) => api.CreateCollection(request, token)),
        To<SObjectCollectionResources>("PATCH", "composite/sobjects", charged: true, (api, request, token) => api.UpdateCollection(request, token)),
        To<SObjectCollectionResources>("DELETE", "composite/sobjects", charged: true, (api, request, token) => api.DeleteCollection(request, token)),
        To<SObjectCollectionResources>("GET", "composite/sobjects/{type}", charged: true, (api, request, token) => api.RetrieveCollection(request, token)),
        To<SObjectResources>("GET", "sobjects/{type}/describe", charged: true, (api, request, token) => api.Describe(request, token)),
        To<SObjectResources>("POST", "sobjects/{type}", charged: true, (api, request, token) => api.Create(request, token)) with { Succeeds = StatusCodes.Status201Created },
        To<SObjectResources>("GET", "sobjects/{type}/{id}", charged: true, (api, request, token) => api.Read(request, token)),
        To<SObjectResources>("PATCH", "sobjects/{type}/{id}", charged: true, (api, request, token) => api.Update(request, token)) with { Succeeds = StatusCodes.Status204NoContent },
        To<SObjectResources>("DELETE", "sobjects/{type}/{id}", charged: true, (api, request, token) => api.Delete(request, token)) with { Succeeds = StatusCodes.Status204NoContent },
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

    private static SalesforceRoute To<TResource>(
        string method, string template, bool charged, Func<TResource, SalesforceRequest, CancellationToken, Task<SalesforceResult>> handle)
        where TResource : notnull =>
        new(method, template, charged, (services, request, token) => handle(services.GetRequiredService<TResource>(), request, token));
}
