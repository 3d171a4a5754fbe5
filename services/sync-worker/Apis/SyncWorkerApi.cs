namespace Sync.SyncWorker.Apis;

public static class SyncWorkerApi
{
    /// <summary>The HTTP API of sync-worker (port 5104 by default).</summary>
    public static RouteGroupBuilder MapSyncWorkerApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("");
        return api;
    }
}
