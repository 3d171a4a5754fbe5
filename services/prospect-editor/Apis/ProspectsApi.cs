using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Sync.Clients.ProspectEditor;
using Sync.Contracts;
using Sync.ProspectEditor.Prospects;
using Sync.ProspectEditor.Storage;
using Sync.ServiceDefaults.Http;
using static Sync.ProspectEditor.Apis.ProspectRequestChecks;
using ProspectEdit = Microsoft.AspNetCore.Http.HttpResults.Results<
    Microsoft.AspNetCore.Http.HttpResults.Ok<Sync.Clients.ProspectEditor.ProspectDto>,
    Microsoft.AspNetCore.Http.HttpResults.ValidationProblem,
    Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult>;

namespace Sync.ProspectEditor.Apis;

/// <summary>The prospects themselves: create, resolve, read, look up, and the edits operators, forms and programs make.</summary>
public static class ProspectsApi
{
    private static readonly ChangeOrigin[] EditOrigins =
        [ChangeOrigin.User, ChangeOrigin.Api, ChangeOrigin.FormSubmission, ChangeOrigin.FormCompletionAction, ChangeOrigin.EngagementProgram];

    // AutomationRule is not among them: only a rule run (POST /automation-rules/{id}/run) makes a change of that origin.
    private static readonly ChangeOrigin[] CampaignOrigins =
        [ChangeOrigin.FormCompletionAction, ChangeOrigin.EngagementProgram, ChangeOrigin.User];

    public static RouteGroupBuilder MapProspectsApi(this RouteGroupBuilder api)
    {
        var prospects = api.MapGroup("/prospects").WithTags("Prospects");

        prospects.MapPost("", Create).WithName("CreateProspect")
            .WithSummary("Creates a prospect: 201 with its location, or 409 when a prospect has the e-mail address")
            .ProducesProblem(StatusCodes.Status409Conflict);
        prospects.MapPost("/resolve", Resolve).WithName("ResolveProspect")
            .WithSummary("Finds the prospect with the e-mail address, or creates it; one address is always one prospect");
        prospects.MapGet("/{prospectId:long}", Get).WithName("GetProspect").WithSummary("Reads a prospect")
            .ProducesProblem(StatusCodes.Status404NotFound);
        prospects.MapGet("", FindByEmail).WithName("FindProspectByEmail").WithSummary("Reads the prospect with ?email=")
            .ProducesProblem(StatusCodes.Status404NotFound);
        prospects.MapPost("/lookup", Lookup).WithName("LookupProspects")
            .WithSummary($"Reads up to {ProspectEditorApi.MaxBatch} prospects by id; ids with no prospect come back in missing");
        prospects.MapPatch("/{prospectId:long}", UpdateFields).WithName("UpdateProspectFields")
            .WithSummary("Sets or clears fields; the same values change nothing and publish nothing").ProducesEdit();
        prospects.MapPut("/{prospectId:long}/assigned-user", AssignUser).WithName("AssignProspect")
            .WithSummary("Changes the prospect's assigned user").ProducesEdit();
        prospects.MapPost("/{prospectId:long}/crm-campaigns", AddToCrmCampaign).WithName("AddProspectToCrmCampaign")
            .WithSummary("Adds the prospect to a CRM campaign, by a form completion action, engagement program or user (rules do it in their runs)").ProducesEdit();
        prospects.MapPut("/{prospectId:long}/do-not-sync", SetDoNotSync).WithName("SetProspectDoNotSync")
            .WithSummary("Sets or clears Do Not Sync, which always prevents syncing the prospect").ProducesEdit();
        prospects.MapPost("/{prospectId:long}/unsubscribe", Unsubscribe).WithName("UnsubscribeProspect")
            .WithSummary("Opts the prospect out of e-mail")
            .ProducesProblem(StatusCodes.Status404NotFound);
        prospects.MapSyncWriteBackApi();
        return prospects;
    }

    /// <summary>An edit of one prospect answers the prospect, a 400 naming the members at fault (both from its type), or a 404.</summary>
    private static RouteHandlerBuilder ProducesEdit(this RouteHandlerBuilder edit) => edit.ProducesProblem(StatusCodes.Status404NotFound);

    /// <summary>Creates a prospect with the e-mail address, fields and assigned user given.</summary>
    private static async Task<Results<Created<ProspectDto>, ValidationProblem, ProblemHttpResult>> Create(
        CreateProspectRequest request, ProspectWriter writer, ICustomFieldStore customFields, CancellationToken cancellationToken)
    {
        var validation = new RequestValidation();
        var email = Email(request.Email, validation);
        var fields = Fields(request.Fields, await customFields.Catalog(cancellationToken), validation);
        validation.Report("assignedUser", ProspectValues.User(request.AssignedUser));
        var by = Attribution(request.Origin, ChangeOrigin.Api, EditOrigins, request.ChangedBy, validation);
        if (!validation.IsValid)
            return validation.Problem();

        var (prospect, created) = await writer.FindOrCreate(email!, fields, request.AssignedUser, by, fillBlanks: false, cancellationToken);
        if (!created)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "E-mail address taken",
                detail: $"Prospect {prospect.Id} has this e-mail address; one address is one prospect.",
                extensions: new Dictionary<string, object?> { ["prospectId"] = prospect.Id, ["member"] = "email" });
        }
        return TypedResults.Created($"/prospects/{prospect.Id}", prospect.ToDto());
    }

    /// <summary>Finds or creates the prospect with the address; fields fill the blanks of one that exists.</summary>
    private static async Task<Results<Ok<ResolvedProspect>, Created<ResolvedProspect>, ValidationProblem>> Resolve(
        ResolveRequest request, ProspectWriter writer, ICustomFieldStore customFields, CancellationToken cancellationToken)
    {
        var validation = new RequestValidation();
        var email = Email(request.Email, validation);
        var catalog = await customFields.Catalog(cancellationToken);
        var submitted = request.IgnoreUnknownFields == true
            ? request.Fields?.Where(field => catalog.Resolve(field.Key) is not null).ToDictionary(field => field.Key, field => field.Value)
            : request.Fields;
        var fields = Fields(submitted, catalog, validation);
        var by = Attribution(request.Origin, ChangeOrigin.Api, EditOrigins, null, validation);
        if (!validation.IsValid)
            return validation.Problem();

        var (prospect, created) = await writer.FindOrCreate(email!, fields, null, by, fillBlanks: true, cancellationToken);
        var resolved = new ResolvedProspect(prospect.ToDto(), created);
        return created ? TypedResults.Created($"/prospects/{prospect.Id}", resolved) : TypedResults.Ok(resolved);
    }

    private static async Task<Results<Ok<ProspectDto>, ProblemHttpResult>> Get(long prospectId, IProspectStore store, CancellationToken cancellationToken) =>
        await store.Get(prospectId, cancellationToken) is { } prospect ? TypedResults.Ok(prospect.ToDto()) : NotFound(prospectId);

    private static async Task<Results<Ok<ProspectDto>, ValidationProblem, ProblemHttpResult>> FindByEmail(
        [FromQuery] string? email, IProspectStore store, CancellationToken cancellationToken)
    {
        var validation = new RequestValidation();
        var normalized = Email(email, validation);
        if (!validation.IsValid)
            return validation.Problem();
        var prospect = await store.FindClaim(normalized!, cancellationToken) is { } id ? await store.Get(id, cancellationToken) : null;
        return prospect is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, type: ProspectEditorProblems.ProspectNotFound, title: "Prospect not found",
                detail: "No prospect has this e-mail address.")
            : TypedResults.Ok(prospect.ToDto());
    }

    private static async Task<Results<Ok<ProspectLookupResult>, ValidationProblem>> Lookup(ProspectLookupRequest request, IProspectStore store, CancellationToken cancellationToken)
    {
        var validation = new RequestValidation();
        Ids(request.Ids, "ids", validation);
        if (!validation.IsValid)
            return validation.Problem();
        var ids = request.Ids.Distinct().ToList();
        var found = await store.GetMany(ids, cancellationToken);
        var missing = ids.Except(found.Select(prospect => prospect.Id)).ToList();
        return TypedResults.Ok(new ProspectLookupResult(found.Select(prospect => prospect.ToDto()).ToList(), missing));
    }

    private static async Task<ProspectEdit> UpdateFields(
        long prospectId, UpdateFieldsRequest request, ProspectWriter writer, ICustomFieldStore customFields, CancellationToken cancellationToken)
    {
        var validation = new RequestValidation();
        if (request.Fields is null or { Count: 0 })
            validation.Add("fields", "Name at least one field to set (a value) or clear (null).");
        var fields = Fields(request.Fields, await customFields.Catalog(cancellationToken), validation);
        var by = Attribution(request.Origin, ChangeOrigin.Api, EditOrigins, request.ChangedBy, validation);
        if (!validation.IsValid)
            return validation.Problem();
        return Written(prospectId, await writer.Update(prospectId, prospect => ProspectEdits.SetFields(prospect, fields), by, cancellationToken));
    }

    private static async Task<ProspectEdit> AssignUser(long prospectId, AssignUserRequest request, ProspectWriter writer, CancellationToken cancellationToken)
    {
        var validation = new RequestValidation();
        validation.Report("assignedUser", ProspectValues.User(request.AssignedUser));
        var by = Attribution(request.Origin, ChangeOrigin.Api, EditOrigins, request.ChangedBy, validation);
        if (!validation.IsValid)
            return validation.Problem();
        return Written(prospectId, await writer.Update(prospectId, prospect => ProspectEdits.AssignUser(prospect, request.AssignedUser), by, cancellationToken));
    }

    private static async Task<ProspectEdit> AddToCrmCampaign(long prospectId, AddToCrmCampaignRequest request, ProspectWriter writer, CancellationToken cancellationToken)
    {
        var validation = new RequestValidation();
        validation.Report("campaignId", ProspectValues.CampaignId(request.CampaignId));
        validation.Require(request.Origin is not null, "origin",
            $"Say what adds the prospect: one of {string.Join(", ", CampaignOrigins)}.");
        var by = Attribution(request.Origin, ChangeOrigin.User, CampaignOrigins, request.ChangedBy, validation);
        if (!validation.IsValid)
            return validation.Problem();
        var campaignId = request.CampaignId!.Trim();
        return Written(prospectId, await writer.Update(prospectId, prospect => ProspectEdits.AddToCrmCampaign(prospect, campaignId), by, cancellationToken));
    }

    private static async Task<ProspectEdit> SetDoNotSync(long prospectId, DoNotSyncRequest request, ProspectWriter writer, CancellationToken cancellationToken)
    {
        var validation = new RequestValidation();
        validation.Require(request.DoNotSync is not null, "doNotSync", "Say true to set Do Not Sync or false to clear it.");
        var by = Attribution(request.Origin, ChangeOrigin.User, EditOrigins, request.ChangedBy, validation);
        if (!validation.IsValid)
            return validation.Problem();
        return Written(prospectId, await writer.Update(prospectId, prospect => ProspectEdits.SetDoNotSync(prospect, request.DoNotSync!.Value), by, cancellationToken));
    }

    /// <summary>The prospect's own unsubscribe (through activity-tracker's unsubscribe page), which changes the record.</summary>
    private static async Task<Results<Ok<ProspectDto>, ProblemHttpResult>> Unsubscribe(long prospectId, ProspectWriter writer, CancellationToken cancellationToken) =>
        await writer.Update(prospectId, ProspectEdits.Unsubscribe, new ChangeAttribution(ChangeOrigin.Api, "prospect's unsubscribe"), cancellationToken)
            is { } result ? TypedResults.Ok(result.Prospect.ToDto()) : NotFound(prospectId);

    private static ProspectEdit Written(long prospectId, WriteResult? result) =>
        result is null ? NotFound(prospectId) : TypedResults.Ok(result.Prospect.ToDto());

    internal static ProblemHttpResult NotFound(long prospectId) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, type: ProspectEditorProblems.ProspectNotFound, title: "Prospect not found",
            detail: $"No prospect has id {prospectId}.", extensions: new Dictionary<string, object?> { ["prospectId"] = prospectId });
}
