using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Sync.ActivityTracker.Configuration;
using Sync.ActivityTracker.Tracking;
using Sync.Clients.ProspectEditor;
using Sync.Contracts;
using Sync.ServiceDefaults.Http;
using static Sync.ActivityTracker.Apis.TrackingRequestChecks;

namespace Sync.ActivityTracker.Apis;

/// <summary>
/// The links in the e-mails Sync's users send: the open pixel and the unsubscribe link. They are public (mail clients and
/// recipients follow them), so each carries a token that only Sync can sign, bound to one prospect, one e-mail and one
/// purpose. A mailer gets both URLs for a recipient from POST /emails/{emailId}/tracking-urls (with the API key) and puts
/// them in the e-mail as they are; a back office holding the API key may call the endpoints with a bare prospect id instead.
/// </summary>
public static class EmailLinksApi
{
    // A transparent 1x1 GIF: what an open pixel answers.
    private static readonly byte[] Pixel = Convert.FromBase64String("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7");

    /// <summary>A link's token missing (401) or not accepted (403), or no prospect with its id (404).</summary>
    private static readonly int[] LinkRefusals = [StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound];

    public static RouteGroupBuilder MapEmailLinksApi(this RouteGroupBuilder api)
    {
        api.MapPost("/emails/{emailId}/tracking-urls", TrackingUrls).RequireApiKey().WithName("CreateEmailTrackingUrls").WithTags("Links")
            .WithSummary("Signs the open pixel and unsubscribe URLs of one e-mail for one recipient (body: prospectId); put them in the e-mail as they are");
        api.MapGet("/emails/{emailId}/opens", OpenPixel).WithName("RecordEmailOpenPixel").WithTags("Tracking")
            .WithSummary("The open pixel (openUrl of tracking-urls, in an <img>): records the open and answers a 1x1 GIF; needs the URL's token")
            .Produces(StatusCodes.Status200OK, contentType: "image/gif").ProducesProblems(LinkRefusals);
        api.MapPost("/emails/{emailId}/opens", Open).WithName("RecordEmailOpen").WithTags("Tracking")
            .WithSummary("Records an e-mail open (never a sync): prospectId and token from the openUrl (query or JSON body), or prospectId with the API key")
            .ProducesProblems(LinkRefusals);
        api.MapPost("/unsubscribes", Unsubscribe).WithName("Unsubscribe").WithTags("Tracking")
            .WithSummary("Opts the prospect out of e-mail (a change that syncs): POST the unsubscribeUrl of tracking-urls as it is (RFC 8058 one-click works), "
                + "or prospectId with the API key")
            .ProducesProblems(LinkRefusals);
        return api;
    }

    /// <summary>The services the e-mail link endpoints need.</summary>
    public sealed record LinkServices(
        IProspectEditorClient ProspectEditor, ActivityRecorder Recorder, LinkTokens Tokens, TimeProvider Time, IOptions<TrackingOptions> Options);

    private static Results<Ok<EmailTrackingUrls>, ValidationProblem> TrackingUrls(string emailId, TrackingUrlsRequest request, LinkTokens tokens)
    {
        var validation = new RequestValidation();
        EmailId(emailId, "emailId", validation);
        validation.Require(request.ProspectId is > 0, "prospectId", "The prospect the e-mail goes to (a positive id) is required.");
        if (!validation.IsValid)
            return validation.Problem();

        var prospectId = request.ProspectId!.Value;
        var id = Uri.EscapeDataString(emailId);
        var open = Uri.EscapeDataString(tokens.Sign(LinkPurpose.Open, prospectId, emailId));
        var unsubscribe = Uri.EscapeDataString(tokens.Sign(LinkPurpose.Unsubscribe, prospectId, emailId));
        return TypedResults.Ok(new EmailTrackingUrls(prospectId, emailId,
            string.Create(CultureInfo.InvariantCulture, $"/emails/{id}/opens?prospectId={prospectId}&token={open}"),
            string.Create(CultureInfo.InvariantCulture, $"/unsubscribes?prospectId={prospectId}&emailId={id}&token={unsubscribe}")));
    }

    private static async Task<Results<FileContentHttpResult, ValidationProblem, ProblemHttpResult>> OpenPixel(
        string emailId, [FromQuery] long? prospectId, [FromQuery] string? token, HttpContext http, [AsParameters] LinkServices services,
        CancellationToken cancellationToken)
    {
        switch ((await RecordOpen(emailId, prospectId, token, null, http, services, cancellationToken)).Result)
        {
            case ValidationProblem invalid:
                return invalid;
            case ProblemHttpResult refused:
                return refused;
        }
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.File(Pixel, "image/gif");
    }

    private static Task<Results<Accepted<ActivityAccepted>, ValidationProblem, ProblemHttpResult>> Open(
        string emailId, [FromQuery(Name = "prospectId")] long? queryProspectId, [FromQuery(Name = "token")] string? queryToken,
        [FromBody] EmailOpenRequest? request, HttpContext http, [AsParameters] LinkServices services, CancellationToken cancellationToken) =>
        RecordOpen(emailId, request?.ProspectId ?? queryProspectId, request?.Token ?? queryToken, request?.OccurredAt, http, services, cancellationToken);

    private static async Task<Results<Accepted<ActivityAccepted>, ValidationProblem, ProblemHttpResult>> RecordOpen(
        string emailId, long? prospectId, string? token, DateTimeOffset? reportedAt, HttpContext http, LinkServices services,
        CancellationToken cancellationToken)
    {
        var validation = new RequestValidation();
        EmailId(emailId, "emailId", validation);
        validation.Require(prospectId is > 0, "prospectId", "The prospect the e-mail was sent to (a positive id) is required.");
        var occurredAt = TrackingRequestChecks.OccurredAt(reportedAt, services.Time, services.Options.Value, validation);
        if (!validation.IsValid)
            return validation.Problem();
        if (Authorize(http, services.Tokens, LinkPurpose.Open, prospectId!.Value, emailId, token) is { } refusal)
            return refusal;
        if (await services.ProspectEditor.Get(prospectId.Value, cancellationToken) is null)
            return UnknownProspect(prospectId.Value);

        return AcceptedActivity(await services.Recorder.Publish(new ProspectActivityRecorded
        {
            EventId = ActivityRecorder.EventIdFor(http.Request),
            ProspectId = prospectId.Value,
            OccurredAt = occurredAt,
            Kind = ActivityKind.EmailOpen,
            AssetName = $"e-mail {emailId}",
        }, cancellationToken));
    }

    private static async Task<Results<Ok<Unsubscribed>, ValidationProblem, ProblemHttpResult>> Unsubscribe(
        HttpContext http, [AsParameters] LinkServices services, CancellationToken cancellationToken)
    {
        var validation = new RequestValidation();
        var request = await ReadUnsubscribe(http.Request, validation, cancellationToken);
        validation.Require(request.ProspectId is > 0, "prospectId", "The prospect to opt out (a positive id) is required.");
        if (request.EmailId is not null)
            EmailId(request.EmailId, "emailId", validation);
        else if (request.Token is not null)
            validation.Add("emailId", "The e-mail the link was in is required with a token: the token signs it.");
        if (!validation.IsValid)
            return validation.Problem();
        if (Authorize(http, services.Tokens, LinkPurpose.Unsubscribe, request.ProspectId!.Value, request.EmailId ?? "", request.Token) is { } refusal)
            return refusal;

        return await services.ProspectEditor.Unsubscribe(request.ProspectId.Value, cancellationToken) is { } prospect
            ? TypedResults.Ok(new Unsubscribed(prospect.Id, prospect.OptedOut, prospect.Revision))
            : UnknownProspect(request.ProspectId.Value);
    }

    /// <summary>
    /// The unsubscribe as the link has it (prospectId, emailId and token in the query), with what a JSON body or posted form
    /// fields add: a mail client's RFC 8058 one-click POST sends the link with a "List-Unsubscribe=One-Click" form.
    /// </summary>
    private static async Task<UnsubscribeRequest> ReadUnsubscribe(HttpRequest http, RequestValidation validation, CancellationToken cancellationToken)
    {
        var query = http.Query;
        var fromQuery = new UnsubscribeRequest(null, Text(query["emailId"]), Text(query["token"]));
        var fromBody = new UnsubscribeRequest(null, null, null);
        string? prospectId = Text(query["prospectId"]);
        if (http.HasJsonContentType())
        {
            fromBody = await http.ReadFromJsonAsync<UnsubscribeRequest>(cancellationToken) ?? fromBody;
        }
        else if (http.HasFormContentType)
        {
            var form = await http.ReadFormOrRefuse(cancellationToken);
            fromBody = new UnsubscribeRequest(null, Text(form["emailId"]), Text(form["token"]));
            prospectId = Text(form["prospectId"]) ?? prospectId;
        }
        else if (http.ContentLength > 0 || http.Headers.TransferEncoding.Count > 0)
        {
            throw new BadHttpRequestException("Send the unsubscribe in the query (the link as it is), as JSON, or as form fields.",
                StatusCodes.Status415UnsupportedMediaType);
        }

        long? parsedId = null;
        if (prospectId is not null)
        {
            if (long.TryParse(prospectId, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                parsedId = id;
            else
                validation.Add("prospectId", "The prospect id is a positive whole number.");
        }
        return new UnsubscribeRequest(fromBody.ProspectId ?? parsedId, fromBody.EmailId ?? fromQuery.EmailId, fromBody.Token ?? fromQuery.Token);
    }

    /// <summary>
    /// Who may act for this prospect: the holder of a link signed for this purpose, prospect and e-mail, or an operator with
    /// the API key. Null when allowed; a 401 or 403 problem otherwise.
    /// </summary>
    private static ProblemHttpResult? Authorize(HttpContext http, LinkTokens tokens, LinkPurpose purpose, long prospectId, string emailId, string? token)
    {
        if (token is not null)
        {
            return tokens.Verify(purpose, prospectId, emailId, token)
                ? null
                : TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Link token not accepted",
                    detail: "The token was not signed for this prospect, e-mail and action: use the URL exactly as POST /emails/{emailId}/tracking-urls made it.",
                    extensions: new Dictionary<string, object?> { ["member"] = "token" });
        }
        var refusal = ApiKeyFilter.Refusal(http);
        return refusal is { StatusCode: StatusCodes.Status401Unauthorized }
            ? TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Link token required",
                detail: $"Send the token of the link Sync signed (the URL from POST /emails/{{emailId}}/tracking-urls), or the operator API key in {ApiKeyFilter.Header}.",
                extensions: new Dictionary<string, object?> { ["member"] = "token" })
            : refusal;
    }

    private static string? Text(Microsoft.Extensions.Primitives.StringValues value) => value.Count == 0 || string.IsNullOrEmpty(value[0]) ? null : value[0];
}
