using Microsoft.AspNetCore.Http.HttpResults;
using Sync.ActivityTracker.Storage;
using Sync.ServiceDefaults.Http;
using static Sync.ActivityTracker.Apis.TrackingRequestChecks;

namespace Sync.ActivityTracker.Apis;

/// <summary>Reading a visitor, with the API key: the prospect it is linked to and its latest activity.</summary>
public static class VisitorsApi
{
    public static RouteGroupBuilder MapVisitorsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/visitors/{visitorId}", GetVisitor).RequireApiKey().WithName("GetVisitor").WithTags("Visitors")
            .WithSummary("Reads a visitor: the prospect it is linked to and its latest activity, anonymous views included");
        return api;
    }

    private static async Task<Results<Ok<VisitorView>, ValidationProblem>> GetVisitor(string visitorId, IVisitorStore visitors, CancellationToken cancellationToken)
    {
        var validation = new RequestValidation();
        VisitorId(visitorId, "visitorId", validation);
        if (!validation.IsValid)
            return validation.Problem();
        var visitor = await visitors.Get(visitorId, cancellationToken);
        return TypedResults.Ok(new VisitorView(visitorId, visitor.ProspectId, visitor.OptedOut, visitor.LinkedAt,
            await visitors.Activity(visitorId, 100, cancellationToken)));
    }
}
