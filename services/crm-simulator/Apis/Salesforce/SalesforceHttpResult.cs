namespace Sync.CrmSimulator.Apis.Salesforce;

/// <summary>Writes a <see cref="SalesforceResult"/>: its status, headers and JSON body, as Salesforce sends them.</summary>
public sealed class SalesforceHttpResult(SalesforceResult result) : IResult, IStatusCodeHttpResult
{
    // Salesforce writes '+' and non-ASCII letters as they are; the default encoder's \u002B would be valid but unreadable.
    private static readonly System.Text.Json.JsonSerializerOptions Output = new(System.Text.Json.JsonSerializerOptions.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

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
}
