using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Sync.ActivityTracker.Configuration;
using Sync.ServiceDefaults.Http;

namespace Sync.ActivityTracker.Apis;

public static class ActivityTrackerApi
{
    /// <summary>
    /// The HTTP API of activity-tracker (port 5101 by default). The tracking endpoints are public (browsers, web forms and
    /// mail clients call them) and read at most Tracking:MaxBodyBytes; the e-mail open and unsubscribe links carry a signed
    /// token (see <see cref="EmailLinksApi"/>); creating links and reading visitors need the API key.
    /// A 2xx means the activity was published with publisher confirms.
    /// </summary>
    public static RouteGroupBuilder MapActivityTrackerApi(this IEndpointRouteBuilder app)
    {
        var maxBodyBytes = app.ServiceProvider.GetRequiredService<IOptions<TrackingOptions>>().Value.MaxBodyBytes;
        var api = app.MapGroup("").AddEndpointFilter(ProspectEditorFailures.Filter).WithMetadata(new RequestSizeLimitAttribute(maxBodyBytes))
            // What ProspectEditorFailures answers when prospect-editor refuses or is away, on any endpoint that calls it.
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status502BadGateway, StatusCodes.Status503ServiceUnavailable)
            .ProducesRequestProblems();

        api.MapPageViewsApi();
        api.MapFormSubmissionsApi();
        api.MapTrackedLinkRedirect();
        api.MapEmailLinksApi();
        api.MapTrackedLinksApi();
        api.MapVisitorsApi();
        return api;
    }
}
