using Sync.CrmChangeListener.Feed;
using Sync.ServiceDefaults.Http;

namespace Sync.CrmChangeListener.Apis;

public static class CrmChangeListenerApi
{
    /// <summary>The HTTP API of crm-change-listener (port 5106 by default).</summary>
    public static RouteGroupBuilder MapCrmChangeListenerApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("").ProducesRequestProblems();

        // Where the listener stands in the CRM's change feed: position, head, lag, counts and the last error (never a prospect's data).
        api.MapGet("/feed/status", (CrmFeedStatus status) => TypedResults.Ok(status.Snapshot())).WithTags("CRM change feed");
        return api;
    }
}
