using System.Text.Json;
using System.Text.Json.Nodes;
using Sync.CrmSimulator.Crm;
using Sync.CrmSimulator.Users;

namespace Sync.CrmSimulator.Apis;

public static class CrmSimulatorApi
{
    /// <summary>
    /// The HTTP API of crm-simulator (port 5105 by default): the Salesforce-shaped REST API under /services/data/v60.0
    /// (bearer tokens of the org's users) and the admin API under /admin (the operator API key).
    /// </summary>
    public static RouteGroupBuilder MapCrmSimulatorApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("");

        var data = api.MapGroup(SalesforceRoute.BasePath).AddEndpointFilter<SalesforceRequestFilter>().WithTags("Salesforce REST API");
        foreach (var route in SalesforceRoute.All)
        {
            data.MapMethods(route.Template, [route.Method], (HttpContext http, SalesforceResources resources) => Handle(route, http, resources))
                .WithMetadata(route)
                .WithName($"{route.Method} {route.Template}");
        }

        api.MapCrmAdminApi();
        return api;
    }

    private static async Task<IResult> Handle(SalesforceRoute route, HttpContext http, SalesforceResources resources)
    {
        SalesforceResult result;
        try
        {
            var request = new SalesforceRequest(
                (CrmUser)http.Items[SalesforceRequestFilter.UserItem]!,
                http.Request.RouteValues.ToDictionary(value => value.Key, value => value.Value?.ToString() ?? "", StringComparer.OrdinalIgnoreCase),
                http.Request.Query.ToDictionary(value => value.Key, value => value.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                await Body(http));
            result = await route.Handle(resources, request, http.RequestAborted);
        }
        catch (CrmApiException exception)
        {
            result = SalesforceResult.Error(exception.Status, exception.Error);
        }
        return SalesforceRequestFilter.Answer(result);
    }

    private static async Task<JsonNode?> Body(HttpContext http)
    {
        if (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsDelete(http.Request.Method))
            return null;
        using var reader = new StreamReader(http.Request.Body);
        var text = await reader.ReadToEndAsync(http.RequestAborted);
        if (string.IsNullOrWhiteSpace(text))
            return null;
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException exception)
        {
            throw new CrmApiException(400, CrmApiError.JsonParser($"The request body is not valid JSON: {exception.Message}"));
        }
    }
}
