namespace Sync.SyncEvaluator.Apis;

public static class SyncEvaluatorApi
{
    /// <summary>The HTTP API of sync-evaluator (port 5103 by default).</summary>
    public static RouteGroupBuilder MapSyncEvaluatorApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("");
        return api;
    }
}
