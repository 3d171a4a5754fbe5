namespace Sync.ActivityTracker.Apis;

public static class ActivityTrackerApi
{
    /// <summary>The HTTP API of activity-tracker (port 5101 by default).</summary>
    public static RouteGroupBuilder MapActivityTrackerApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("");
        return api;
    }
}
