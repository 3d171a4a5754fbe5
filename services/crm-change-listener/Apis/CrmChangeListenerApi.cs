namespace Sync.CrmChangeListener.Apis;

public static class CrmChangeListenerApi
{
    /// <summary>The HTTP API of crm-change-listener (port 5106 by default).</summary>
    public static RouteGroupBuilder MapCrmChangeListenerApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("");
        return api;
    }
}
