using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Sync.ActivityTracker.Storage;
using Sync.ActivityTracker.Tracking;
using Sync.Clients.ProspectEditor;
using Sync.Contracts;
using Sync.Rules;
using Sync.ServiceDefaults.Http;

namespace Sync.ActivityTracker.Apis;

public static partial class ActivityTrackerApi
{
    private const int MaxUrlLength = 2048;

    /// <summary>
    /// The HTTP API of activity-tracker (port 5101 by default). The tracking endpoints are public (browsers, web forms and
    /// mail clients call them) and read at most Tracking:MaxBodyBytes; the e-mail open and unsubscribe links carry a signed
    /// token (see <see cref="EmailLinksApi"/>); creating links and reading visitors need the API key.
    /// A 2xx means the activity was published with publisher confirms.
    /// </summary>
    public static RouteGroupBuilder MapActivityTrackerApi(this IEndpointRouteBuilder app)
    {
        var maxBodyBytes = app.ServiceProvider.GetRequiredService<IOptions<TrackingOptions>>().Value.MaxBodyBytes;
        var api = app.MapGroup("").AddEndpointFilter(ProspectEditorFailures).WithMetadata(new RequestSizeLimitAttribute(maxBodyBytes));

        api.MapPost("/visitors/{visitorId}/page-views", PageView).WithName("RecordPageView").WithTags("Tracking")
            .WithSummary("Records a page view; published for the prospect the visitor is linked to, kept as anonymous visitor activity otherwise");
        api.MapPost("/forms/{formId}/submissions", (string formId, HttpRequest request, [AsParameters] FormServices services, CancellationToken cancellationToken) =>
                Submission(formId, ActivityKind.FormSubmission, request, services, cancellationToken))
            .WithName("RecordFormSubmission").WithTags("Tracking")
            .WithSummary("Records a form submission (JSON or form fields): finds or creates the prospect by e-mail and links the visitor to it");
        api.MapPost("/form-handlers/{handlerId}/submissions", (string handlerId, HttpRequest request, [AsParameters] FormServices services, CancellationToken cancellationToken) =>
                Submission(handlerId, ActivityKind.FormHandlerSubmission, request, services, cancellationToken))
            .WithName("RecordFormHandlerSubmission").WithTags("Tracking")
            .WithSummary("Records a submission of a web form posted to a form handler (JSON or form fields)");
        api.MapGet("/r/{code}", Redirect).WithName("FollowTrackedLink").WithTags("Tracking")
            .WithSummary("Redirects (302) to the tracked link's target and records the click for the prospect it was sent to");
        api.MapEmailLinksApi();

        api.MapPost("/links", CreateLink).RequireApiKey().WithName("CreateTrackedLink").WithTags("Links")
            .WithSummary("Creates a tracked link (customRedirect or emailLink) for a prospect; answers its /r/{code} address");
        api.MapGet("/links/{code}", GetLink).RequireApiKey().WithName("GetTrackedLink").WithTags("Links").WithSummary("Reads a tracked link");
        api.MapGet("/visitors/{visitorId}", GetVisitor).RequireApiKey().WithName("GetVisitor").WithTags("Visitors")
            .WithSummary("Reads a visitor: the prospect it is linked to and its latest activity, anonymous views included");
        return api;
    }

    /// <summary>A page view: published only for a visitor linked to a prospect; an opted-out visitor's view is flagged so it never syncs.</summary>
    private static async Task<IResult> PageView(
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
            return Results.Accepted(value: await recorder.KeepAnonymous(visitorId, url!, occurredAt, cancellationToken));
        // Someone who opted out of tracking is not followed as a prospect: the view stays with the visitor, off the bus.
        if (visitor.OptedOut)
            return Results.Accepted(value: await recorder.KeepAnonymous(visitorId, url!, occurredAt, cancellationToken, SyncRules.OptedOutPageView));

        return Results.Accepted(value: await recorder.Publish(new ProspectActivityRecorded
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

    /// <summary>The services a form submission needs, bound together to keep the handlers' signatures short.</summary>
    public sealed record FormServices(
        IProspectEditorClient ProspectEditor, IVisitorStore Visitors, ActivityRecorder Recorder, TimeProvider Time, IOptions<TrackingOptions> Options);

    private static async Task<IResult> Submission(string assetId, ActivityKind kind, HttpRequest http, FormServices services, CancellationToken cancellationToken)
    {
        var validation = new RequestValidation();
        var request = await ReadSubmission(http, validation, cancellationToken);
        var member = kind == ActivityKind.FormSubmission ? "formId" : "handlerId";
        validation.Require(IdPattern().IsMatch(assetId), member, "An id of 1 to 128 letters, digits, '.', '_' or '-'.");
        var email = ProspectEmail.Normalize(request.Email, out var emailProblem);
        if (email is null)
            validation.Add("email", emailProblem!);
        if (request.VisitorId is not null)
            VisitorId(request.VisitorId, "visitorId", validation);
        var url = Url(request.Url, "url", required: false, validation);
        var occurredAt = OccurredAt(request.OccurredAt, services.Time, services.Options.Value, validation);
        validation.Require(request.FormName is null or { Length: <= 200 }, "formName", "At most 200 characters.");
        if (!validation.IsValid)
            return validation.Problem();

        var resolved = await services.ProspectEditor.Resolve(new ResolveProspectRequest
        {
            Email = email!,
            Fields = request.Fields ?? new Dictionary<string, string?>(),
            Origin = ChangeOrigin.FormSubmission,
            IgnoreUnknownFields = true,
        }, cancellationToken);
        var prospectId = resolved.Prospect.Id;
        if (request.VisitorId is { } visitorId)
            await services.Visitors.Link(visitorId, prospectId, occurredAt, cancellationToken);

        var accepted = await services.Recorder.Publish(new ProspectActivityRecorded
        {
            EventId = ActivityRecorder.EventIdFor(http),
            ProspectId = prospectId,
            OccurredAt = occurredAt,
            Kind = kind,
            VisitorId = request.VisitorId,
            Url = url,
            AssetName = request.FormName ?? $"{(kind == ActivityKind.FormSubmission ? "form" : "form handler")} {assetId}",
        }, cancellationToken);
        return Results.Accepted(value: accepted with { ProspectCreated = resolved.Created });
    }

    /// <summary>
    /// A submission as JSON, or as the form fields a web form posts (its e-mail, visitorId, url, formName and occurredAt aside,
    /// the fields to fill). A form's occurredAt that is not a date is refused, as JSON's is.
    /// </summary>
    private static async Task<FormSubmissionRequest> ReadSubmission(HttpRequest http, RequestValidation validation, CancellationToken cancellationToken)
    {
        if (!http.HasFormContentType && !http.HasJsonContentType())
            throw new BadHttpRequestException("Send the submission as application/json or as form fields.", StatusCodes.Status415UnsupportedMediaType);
        if (!http.HasFormContentType)
            return await http.ReadFromJsonAsync<FormSubmissionRequest>(cancellationToken)
                ?? throw new BadHttpRequestException("The request body is empty: send the submission as JSON or form fields.");

        var form = await http.ReadFormOrRefuse(cancellationToken);
        string? Take(string name) => form.TryGetValue(name, out var value) ? value.ToString() : null;
        var reserved = new HashSet<string>(["email", "visitorId", "url", "formName", "occurredAt"], StringComparer.OrdinalIgnoreCase);
        DateTimeOffset? occurredAt = null;
        if (Take("occurredAt") is { Length: > 0 } reported)
        {
            if (DateTimeOffset.TryParse(reported, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
                occurredAt = parsed;
            else
                validation.Add("occurredAt", "When it happened, as an ISO 8601 date and time (like 2025-01-31T14:05:00Z).");
        }
        return new FormSubmissionRequest(
            Take("email"),
            form.Where(field => !reserved.Contains(field.Key)).ToDictionary(field => field.Key, field => (string?)field.Value.ToString()),
            Take("visitorId"),
            Take("url"),
            Take("formName"),
            occurredAt);
    }

    /// <summary>The visitor reaches the target only once the click is safe; with the broker away it answers 503 and the link works again when it is back.</summary>
    private static async Task<IResult> Redirect(
        string code, [FromQuery(Name = "v")] string? visitorId, HttpRequest http, ITrackedLinkStore links, IVisitorStore visitors,
        ActivityRecorder recorder, TimeProvider time, IOptions<TrackingOptions> options, CancellationToken cancellationToken)
    {
        if (!LinkCode().IsMatch(code) || await links.Get(code, cancellationToken) is not { } link)
        {
            // Only a well-formed code is echoed back; JSON's own escaping makes it safe to show.
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Tracked link not found",
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
        return Results.Redirect(link.Target);
    }

    private static async Task<IResult> CreateLink(
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
                return Results.Created($"/links/{link.Code}", Created(link));
        }
        throw new InvalidOperationException("Could not allocate a free tracked-link code.");
    }

    private static async Task<IResult> GetLink(string code, ITrackedLinkStore links, CancellationToken cancellationToken) =>
        LinkCode().IsMatch(code) && await links.Get(code, cancellationToken) is { } link
            ? Results.Ok(Created(link))
            : Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Tracked link not found", detail: "No tracked link has this code.");

    private static async Task<IResult> GetVisitor(string visitorId, IVisitorStore visitors, CancellationToken cancellationToken)
    {
        var validation = new RequestValidation();
        VisitorId(visitorId, "visitorId", validation);
        if (!validation.IsValid)
            return validation.Problem();
        var visitor = await visitors.Get(visitorId, cancellationToken);
        return Results.Ok(new VisitorView(visitorId, visitor.ProspectId, visitor.OptedOut, visitor.LinkedAt,
            await visitors.Activity(visitorId, 100, cancellationToken)));
    }

    private static TrackedLinkCreated Created(TrackedLink link) =>
        new(link.Code, $"/r/{link.Code}", link.Target, link.ProspectId, link.Kind == TrackedLinkKind.EmailLink ? "emailLink" : "customRedirect", link.Name);

    /// <summary>
    /// What prospect-editor's failures become for a public caller, who must never see its answers (its instance, its trace
    /// id, a key mismatch). Its 400 naming fields is the caller's bad input: the tracker's own 400 naming them. Unreachable,
    /// overloaded or failing, it is a 503 with Retry-After; any other refusal is the deployment's fault, a 502 for the
    /// caller and an error for the operator. Nothing was published in any of these cases.
    /// </summary>
    private static async ValueTask<object?> ProspectEditorFailures(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        try
        {
            return await next(context);
        }
        catch (Exception exception) when (exception is HttpRequestException
            || (exception is TaskCanceledException && !http.RequestAborted.IsCancellationRequested)
            || exception is ProspectEditorException { Transient: true })
        {
            LogProspectEditorUnavailable(Logger(http), exception, http.Request.Method, http.Request.Path);
            return Results.Problem(ProblemDetailsDefaults.Unavailable(http, "prospect-editor unavailable",
                "The prospect could not be found or created; nothing was recorded."));
        }
        catch (ProspectEditorException exception) when (exception is { Status: HttpStatusCode.BadRequest, Errors.Count: > 0 })
        {
            return Results.ValidationProblem(exception.Errors.ToDictionary(), title: "The submission was refused; nothing was recorded");
        }
        catch (ProspectEditorException exception)
        {
            LogProspectEditorRefused(Logger(http), exception, (int)exception.Status, exception.ProblemType, http.Request.Method, http.Request.Path);
            return Results.Problem(statusCode: StatusCodes.Status502BadGateway, title: "prospect-editor refused the request",
                detail: "activity-tracker could not reach the prospect through prospect-editor, and a retry will not help until an operator "
                    + "fixes the deployment (the logs say why); nothing was recorded.");
        }
    }

    private static ILogger Logger(HttpContext http) =>
        http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Sync.ActivityTracker.ProspectEditor");

    [LoggerMessage(Level = LogLevel.Warning, Message = "prospect-editor unavailable for {Method} {Path}: answered 503")]
    private static partial void LogProspectEditorUnavailable(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(Level = LogLevel.Error,
        Message = "prospect-editor refused {Method} {Path} with {Status} ({ProblemType}): answered 502; check Services:ProspectEditor:Url and its API key")]
    private static partial void LogProspectEditorRefused(ILogger logger, Exception exception, int status, string? problemType, string method, string path);

    internal static IResult UnknownProspect(long prospectId) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Prospect not found", detail: $"No prospect has id {prospectId}.",
            extensions: new Dictionary<string, object?> { ["member"] = "prospectId", ["prospectId"] = prospectId });

    private static void VisitorId(string? visitorId, string member, RequestValidation validation) =>
        validation.Require(visitorId is not null && IdPattern().IsMatch(visitorId), member,
            "The visitor id (the tracking cookie) is 1 to 128 letters, digits, '.', '_' or '-'.");

    private static string? Url(string? url, string member, bool required, RequestValidation validation)
    {
        if (url is null)
        {
            if (required)
                validation.Add(member, "An absolute http or https address is required.");
            return null;
        }
        var valid = url.Length <= MaxUrlLength && Uri.TryCreate(url, UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https";
        validation.Require(valid, member, $"An absolute http or https address of at most {MaxUrlLength} characters.");
        return valid ? url : null;
    }

    /// <summary>An e-mail's id: what the open and unsubscribe links name it by.</summary>
    internal static void EmailId(string? emailId, string member, RequestValidation validation) =>
        validation.Require(emailId is not null && IdPattern().IsMatch(emailId), member, "An id of 1 to 128 letters, digits, '.', '_' or '-'.");

    internal static DateTimeOffset OccurredAt(DateTimeOffset? reported, TimeProvider time, TrackingOptions options, RequestValidation validation)
    {
        var now = time.GetUtcNow();
        if (reported is not { } value)
            return now;
        validation.Require(value <= now + options.MaxClockAhead && value > now.AddYears(-1), "occurredAt",
            "When it happened: not in the future, not more than a year ago.");
        return value;
    }

    private static string NewCode() =>
        RandomNumberGenerator.GetString("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789", 10);

    // Visitor ids and the ids of forms, form handlers and e-mails share one shape.
    [GeneratedRegex("^[A-Za-z0-9._-]{1,128}$")]
    private static partial Regex IdPattern();

    [GeneratedRegex("^[A-Za-z0-9]{4,32}$")]
    private static partial Regex LinkCode();
}
