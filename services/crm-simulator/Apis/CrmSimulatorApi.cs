namespace Sync.CrmSimulator.Apis;

public static class CrmSimulatorApi
{
    /// <summary>The HTTP API of crm-simulator (port 5105 by default).</summary>
    public static RouteGroupBuilder MapCrmSimulatorApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("");
        return api;
    }
}
