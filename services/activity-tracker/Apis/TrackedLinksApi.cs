using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Sync.ActivityTracker.Configuration;
using Sync.ActivityTracker.Storage;
using Sync.ActivityTracker.Tracking;
using Sync.Clients.ProspectEditor;
using Sync.Contracts;
using Sync.ServiceDefaults.Http;
using static Sync.ActivityTracker.Apis.TrackingRequestChecks;

namespace Sync.ActivityTracker.Apis;

/// <summary>Tracked links: created for a prospect with the API key, followed by anyone at /r/{code}, which records the click.</summary>
public static class TrackedLinksApi
{
    /// <summary>Maps the public redirect, GET /r/{code}.</summary>
    public static RouteGroupBuilder MapTrackedLinkRedirect(this RouteGroupBuilder api)
    {
        api.MapGet("/r/{code}", Redirect).WithName("FollowTrackedLink").WithTags("Tracking")
            .WithSummary("Redirects (302) to the tracked link's target and records the click for the prospect it was sent to")
            .Produces(StatusCodes.Status302Found).ProducesProblems(StatusCodes.Status404NotFound);
        return api;
    }

    /// <summary>Maps creating and reading links, which need the API key.</summary>
    public static RouteGroupBuilder MapTrackedLinksApi(this RouteGroupBuilder api)
    {
        api.MapPost("/links", CreateLink).RequireApiKey().WithName("CreateTrackedLink").WithTags("Links")
            .WithSummary("Creates a tracked link (customRedirect or emailLink) for a prospect; answers its /r/{code} address")
            .ProducesProblems(StatusCodes.Status404NotFound);
        api.MapGet("/links/{code}", GetLink).RequireApiKey().WithName("GetTrackedLink").WithTags("Links").WithSummary("Reads a tracked link")
            .ProducesProblems(StatusCodes.Status404NotFound);
        return api;
    }

    /// <summary>The visitor reaches the target only once the click is safe; with the broker away it answers 503 and the link works again when it is back.</summary>
    private static async Task<Results<RedirectHttpResult, ProblemHttpResult>> Redirect(
        string code, [FromQuery(Name = "v")] string? visitorId, HttpRequest http, ITrackedLinkStore links, IVisitorStore visitors,
        ActivityRecorder recorder, TimeProvider time, IOptions<TrackingOptions> options, CancellationToken cancellationToken)
    {
        if (!LinkCode().IsMatch(code) || await links.Get(code, cancellationToken) is not { } link)
        {
            // Only a well-formed code is echoed back; JSON's own escaping makes it safe to show.
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Tracked link not found",
                detail: LinkCode().IsMatch(code) ? $"No tracked link has code '{code}' (or it expired)." : "A tracked-link code is 4 to 32 letters and digits.",
                extensions: new Dictionary<string, object?> { ["member"] = "code" });
        }
        visitorId ??= http.Cookies[options.Value.VisitorCookie];
        if (visitorId is not null && !IdPattern().IsMatch(visitorId))
            visitorId = null;
        var now = time.GetUtcNow();
        // An e-mail link was sent to one prospect: whoever follows it from a browser is that prospect's visitor from now on.
        if (visitorId is not null && link.Kind == TrackedLinkKind.EmailLink)
            await visitors.Link(visitorId, link.ProspectId, now, cancellationToken);

        await recorder.Publish(new ProspectActivityRecorded
        {
            EventId = Guid.NewGuid(),
            ProspectId = link.ProspectId,
            OccurredAt = now,
            Kind = link.Kind == TrackedLinkKind.EmailLink ? ActivityKind.EmailLinkClick : ActivityKind.CustomRedirectClick,
            VisitorId = visitorId,
            Url = link.Target,
            AssetName = link.Name ?? $"link {link.Code}",
        }, cancellationToken);
        return TypedResults.Redirect(link.Target);
    }

    private static async Task<Results<Created<TrackedLinkCreated>, ValidationProblem, ProblemHttpResult>> CreateLink(
        CreateLinkRequest request, ITrackedLinkStore links, IProspectEditorClient prospects, TimeProvider time, CancellationToken cancellationToken)
    {
        var validation = new RequestValidation();
        var target = Url(request.Target, "target", required: true, validation);
        validation.Require(request.ProspectId is > 0, "prospectId", "The prospect the link is sent to (a positive id) is required.");
        TrackedLinkKind? kind = request.Kind?.Replace("-", "", StringComparison.Ordinal).ToLowerInvariant() switch
        {
            "customredirect" => TrackedLinkKind.CustomRedirect,
            "emaillink" => TrackedLinkKind.EmailLink,
            _ => null,
        };
        validation.Require(kind is not null, "kind", "The kind is customRedirect or emailLink.");
        validation.Require(request.Name is null or { Length: <= 200 }, "name", "At most 200 characters.");
        if (!validation.IsValid)
            return validation.Problem();
        if (await prospects.Get(request.ProspectId!.Value, cancellationToken) is null)
            return UnknownProspect(request.ProspectId.Value);

        for (var attempt = 0; attempt < 5; attempt++)
        {
            var link = new TrackedLink(NewCode(), target!, request.ProspectId.Value, kind!.Value, request.Name, time.GetUtcNow());
            if (await links.TryAdd(link, cancellationToken))
                return TypedResults.Created($"/links/{link.Code}", Created(link));
        }
        throw new InvalidOperationException("Could not allocate a free tracked-link code.");
    }

    private static async Task<Results<Ok<TrackedLinkCreated>, ProblemHttpResult>> GetLink(string code, ITrackedLinkStore links, CancellationToken cancellationToken) =>
        LinkCode().IsMatch(code) && await links.Get(code, cancellationToken) is { } link
            ? TypedResults.Ok(Created(link))
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Tracked link not found", detail: "No tracked link has this code.");

    private static TrackedLinkCreated Created(TrackedLink link) =>
        new(link.Code, $"/r/{link.Code}", link.Target, link.ProspectId, link.Kind == TrackedLinkKind.EmailLink ? "emailLink" : "customRedirect", link.Name);

    private static string NewCode() =>
        RandomNumberGenerator.GetString("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789", 10);
}
