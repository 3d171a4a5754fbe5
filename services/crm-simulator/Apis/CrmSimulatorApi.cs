using System.Text.Json;
using System.Text.Json.Nodes;
using Sync.CrmSimulator.Apis.Admin;
using Sync.CrmSimulator.Apis.Salesforce;
using Sync.CrmSimulator.Errors;
using Sync.CrmSimulator.Users;
using Sync.ServiceDefaults.Http;

namespace Sync.CrmSimulator.Apis;

public static class CrmSimulatorApi
{
    /// <summary>
    /// The HTTP API of crm-simulator (port 5105 by default): the Salesforce-shaped REST API under /services/data/v60.0
    /// (bearer tokens of the org's users) and the admin API under /admin (the operator API key).
    /// </summary>
    public static RouteGroupBuilder MapCrmSimulatorApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("").ProducesRequestProblems();

        // Salesforce answers a malformed body with its own JSON_PARSER_ERROR, after the session check: the API reads its body itself.
        var data = api.MapGroup(SalesforceRoute.BasePath).AddEndpointFilter<SalesforceRequestFilter>().ChecksItsOwnBody().WithTags("Salesforce REST API");
        foreach (var route in SalesforceRoute.All)
        {
            // A Func, not a RequestDelegate, so the result it returns is written as the answer and its type describes the errors.
            Func<HttpContext, Task<SalesforceHttpResult>> handler = http => Handle(route, http);
            var endpoint = data.MapMethods(route.Template, [route.Method], handler)
                .WithMetadata(route)
                .WithName($"{route.Method} {route.Template}")
                .WithMetadata([.. route.AlsoRefuses.Select(status => (object)SalesforceHttpResult.Refusal(status))]);
            // The body is any JSON Salesforce would send for the resource; a 204 has none.
            if (route.Succeeds == StatusCodes.Status204NoContent)
                endpoint.Produces(route.Succeeds);
            else
                endpoint.Produces<JsonNode>(route.Succeeds);
        }

        api.MapCrmAdminApi();
        return api;
    }

    private static async Task<SalesforceHttpResult> Handle(SalesforceRoute route, HttpContext http)
    {
        SalesforceResult result;
        try
        {
            var request = new SalesforceRequest(
                (CrmUser)http.Items[SalesforceRequestFilter.UserItem]!,
                http.Request.RouteValues.ToDictionary(value => value.Key, value => value.Value?.ToString() ?? "", StringComparer.OrdinalIgnoreCase),
                http.Request.Query.ToDictionary(value => value.Key, value => value.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                await Body(http));
            result = await route.Handle(http.RequestServices, request, http.RequestAborted);
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
        using var body = new MemoryStream();
        await http.Request.Body.CopyToAsync(body, http.RequestAborted);
        var json = JsonBodyCheck.WithoutByteOrderMark(body.GetBuffer().AsSpan(0, (int)body.Length));
        if (json.Trim(" \t\r\n"u8).IsEmpty)
            return null;
        try
        {
            // Checked first: JsonNode reads a member given twice lazily, failing later as a server error, and a member name
            // that is not UTF-8 as if it were absent.
            JsonBodyCheck.Check(json);
            return JsonNode.Parse(json);
        }
        catch (JsonException exception)
        {
            throw new CrmApiException(400, CrmApiError.JsonParser($"The request body is not valid JSON: {exception.Message}"));
        }
    }
}
