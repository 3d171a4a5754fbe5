using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Sync.ActivityTracker.Configuration;
using Sync.ActivityTracker.Storage;
using Sync.ActivityTracker.Tracking;
using Sync.Clients.ProspectEditor;
using Sync.Contracts;
using Sync.ServiceDefaults.Http;
using static Sync.ActivityTracker.Apis.TrackingRequestChecks;

namespace Sync.ActivityTracker.Apis;

/// <summary>
/// Submissions of forms and of web forms posted to form handlers: the prospect is found or created by its e-mail address
/// through prospect-editor, and the visitor is linked to it.
/// </summary>
public static class FormSubmissionsApi
{
    public static RouteGroupBuilder MapFormSubmissionsApi(this RouteGroupBuilder api)
    {
        api.MapPost("/forms/{formId}/submissions", (string formId, HttpRequest request, [AsParameters] FormServices services, CancellationToken cancellationToken) =>
                Submission(formId, ActivityKind.FormSubmission, request, services, cancellationToken))
            .WithName("RecordFormSubmission").WithTags("Tracking")
            .WithSummary("Records a form submission (JSON or form fields): finds or creates the prospect by e-mail and links the visitor to it");
        api.MapPost("/form-handlers/{handlerId}/submissions", (string handlerId, HttpRequest request, [AsParameters] FormServices services, CancellationToken cancellationToken) =>
                Submission(handlerId, ActivityKind.FormHandlerSubmission, request, services, cancellationToken))
            .WithName("RecordFormHandlerSubmission").WithTags("Tracking")
            .WithSummary("Records a submission of a web form posted to a form handler (JSON or form fields)");
        return api;
    }

    /// <summary>The services a form submission needs, bound together to keep the handlers' signatures short.</summary>
    public sealed record FormServices(
        IProspectEditorClient ProspectEditor, IVisitorStore Visitors, ActivityRecorder Recorder, TimeProvider Time, IOptions<TrackingOptions> Options);

    private static async Task<Results<Accepted<ActivityAccepted>, ValidationProblem>> Submission(
        string assetId, ActivityKind kind, HttpRequest http, FormServices services, CancellationToken cancellationToken)
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
        return AcceptedActivity(accepted with { ProspectCreated = resolved.Created });
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
}
