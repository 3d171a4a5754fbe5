using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Sync.ActivityTracker.Configuration;
using Sync.ActivityTracker.Storage;
using Sync.ActivityTracker.Tracking;
using Sync.Contracts;
using Sync.Rules;
using Sync.ServiceDefaults.Http;
using static Sync.ActivityTracker.Apis.TrackingRequestChecks;

namespace Sync.ActivityTracker.Apis;

/// <summary>Page views from the tracking script: a prospect's activity once its visitor is linked to one, anonymous before.</summary>
public static class PageViewsApi
{
    public static RouteGroupBuilder MapPageViewsApi(this RouteGroupBuilder api)
    {
        api.MapPost("/visitors/{visitorId}/page-views", PageView).WithName("RecordPageView").WithTags("Tracking")
            .WithSummary("Records a page view; published for the prospect the visitor is linked to, kept as anonymous visitor activity otherwise");
        return api;
    }

    /// <summary>A page view: published only for a visitor linked to a prospect; an opted-out visitor's view is flagged so it never syncs.</summary>
    private static async Task<Results<Accepted<ActivityAccepted>, ValidationProblem>> PageView(
        string visitorId, PageViewRequest request, HttpRequest http, IVisitorStore visitors, ActivityRecorder recorder,
        TimeProvider time, IOptions<TrackingOptions> options, CancellationToken cancellationToken)
    {
        var validation = new RequestValidation();
        VisitorId(visitorId, "visitorId", validation);
        var url = Url(request.Url, "url", required: true, validation);
        var occurredAt = OccurredAt(request.OccurredAt, time, options.Value, validation);
        if (!validation.IsValid)
            return validation.Problem();

        var visitor = await visitors.Get(visitorId, cancellationToken);
        if (request.OptedOut is { } optedOut && optedOut != visitor.OptedOut)
        {
            await visitors.SetOptedOut(visitorId, optedOut, cancellationToken);
            visitor = visitor with { OptedOut = optedOut };
        }
        // A view from before the visitor was linked (sent late: retried, or batched by the page) stays as anonymous as it was.
        if (visitor.ProspectId is not { } prospectId || (visitor.LinkedAt is { } linkedAt && occurredAt < linkedAt))
            return AcceptedActivity(await recorder.KeepAnonymous(visitorId, url!, occurredAt, cancellationToken));
        // Someone who opted out of tracking is not followed as a prospect: the view stays with the visitor, off the bus.
        if (visitor.OptedOut)
            return AcceptedActivity(await recorder.KeepAnonymous(visitorId, url!, occurredAt, cancellationToken, SyncRules.OptedOutPageView));

        return AcceptedActivity(await recorder.Publish(new ProspectActivityRecorded
        {
            EventId = ActivityRecorder.EventIdFor(http),
            ProspectId = prospectId,
            OccurredAt = occurredAt,
            Kind = ActivityKind.PageView,
            VisitorId = visitorId,
            Url = url,
            VisitorHadTrackingCookie = true,
            VisitorOptedOutOfTracking = visitor.OptedOut,
        }, cancellationToken));
    }
}
