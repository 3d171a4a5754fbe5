using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;

namespace Sync.CrmSimulator.Apis.Salesforce;

/// <summary>
/// Writes a <see cref="SalesforceResult"/>: its status, headers and JSON body, as Salesforce sends them. As a return type it
/// says in the OpenAPI document how Salesforce refuses a request: a JSON array of <see cref="SalesforceRequestError"/>.
/// </summary>
public sealed class SalesforceHttpResult(SalesforceResult result) : IResult, IStatusCodeHttpResult, IEndpointMetadataProvider
{
    // Salesforce writes '+' and non-ASCII letters as they are; the default encoder's \u002B would be valid but unreadable.
    private static readonly System.Text.Json.JsonSerializerOptions Output = new(System.Text.Json.JsonSerializerOptions.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>
    /// What any resource may answer with an error array: a malformed request or field (400), the session (401), the
    /// allowance or the concurrency cap (403), an unknown object or record (404), the store or an injected fault (503, 504).
    /// </summary>
    private static readonly int[] Refusals =
    [
        StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound,
        StatusCodes.Status503ServiceUnavailable, StatusCodes.Status504GatewayTimeout,
    ];

    public int? StatusCode => result.Status;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = result.Status;
        foreach (var (name, value) in result.Headers ?? new Dictionary<string, string>())
            httpContext.Response.Headers[name] = value;
        if (result.Body is null)
            return;
        httpContext.Response.ContentType = "application/json;charset=UTF-8";
        await httpContext.Response.WriteAsync(result.Body.ToJsonString(Output), httpContext.RequestAborted);
    }

    static void IEndpointMetadataProvider.PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        foreach (var status in Refusals)
            builder.Metadata.Add(Refusal(status));
    }

    /// <summary>An error array answered with this status, for the OpenAPI document.</summary>
    public static ProducesResponseTypeMetadata Refusal(int status) =>
        new(status, typeof(IReadOnlyList<SalesforceRequestError>), ["application/json"]);
}

/// <summary>One entry of the error array Salesforce answers a refused request with.</summary>
public sealed record SalesforceRequestError(string Message, string ErrorCode, IReadOnlyList<string> Fields);
