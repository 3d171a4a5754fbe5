using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Sync.Clients.ProspectEditor;
using Sync.Contracts;
using Sync.ProspectEditor.Prospects;
using Sync.ProspectEditor.Storage;
using Sync.ServiceDefaults.Http;

namespace Sync.ProspectEditor.Apis;

public static class ProspectEditorApi
{
    /// <summary>Most prospects one lookup or sync write-back may name.</summary>
    public const int MaxBatch = 1000;

    /// <summary>A write-back of <see cref="MaxBatch"/> prospects with long CRM values: Kestrel's own default limit, as before.</summary>
    private const long MaxSyncWritesBytes = 30_000_000;

    private static readonly ChangeOrigin[] EditOrigins =
        [ChangeOrigin.User, ChangeOrigin.Api, ChangeOrigin.FormSubmission, ChangeOrigin.FormCompletionAction, ChangeOrigin.EngagementProgram];

    // AutomationRule is not among them: only a rule run (POST /automation-rules/{id}/run) makes a change of that origin.
    private static readonly ChangeOrigin[] CampaignOrigins =
        [ChangeOrigin.FormCompletionAction, ChangeOrigin.EngagementProgram, ChangeOrigin.User];

    /// <summary>The HTTP API of prospect-editor (port 5102 by default), the one writer of prospects. Every endpoint needs the API key.</summary>
    public static RouteGroupBuilder MapProspectEditorApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("").RequireApiKey();
        var prospects = api.MapGroup("/prospects").WithTags("Prospects");

        prospects.MapPost("", Create).WithName("CreateProspect")
            .WithSummary("Creates a prospect: 201 with its location, or 409 when a prospect has the e-mail address");
        prospects.MapPost("/resolve", Resolve).WithName("ResolveProspect")
            .WithSummary("Finds the prospect with the e-mail address, or creates it; one address is always one prospect");
        prospects.MapGet("/{prospectId:long}", Get).WithName("GetProspect").WithSummary("Reads a prospect");
        prospects.MapGet("", FindByEmail).WithName("FindProspectByEmail").WithSummary("Reads the prospect with ?email=");
        prospects.MapPost("/lookup", Lookup).WithName("LookupProspects")
            .WithSummary($"Reads up to {MaxBatch} prospects by id; ids with no prospect come back in missing");
        prospects.MapPatch("/{prospectId:long}", UpdateFields).WithName("UpdateProspectFields")
            .WithSummary("Sets or clears fields; the same values change nothing and publish nothing");
        prospects.MapPut("/{prospectId:long}/assigned-user", AssignUser).WithName("AssignProspect")
            .WithSummary("Changes the prospect's assigned user");
        prospects.MapPost("/{prospectId:long}/crm-campaigns", AddToCrmCampaign).WithName("AddProspectToCrmCampaign")
            .WithSummary("Adds the prospect to a CRM campaign, by a form completion action, engagement program or user (rules do it in their runs)");
        prospects.MapPut("/{prospectId:long}/do-not-sync", SetDoNotSync).WithName("SetProspectDoNotSync")
            .WithSummary("Sets or clears Do Not Sync, which always prevents syncing the prospect");
        prospects.MapPost("/{prospectId:long}/unsubscribe", Unsubscribe).WithName("UnsubscribeProspect")
            .WithSummary("Opts the prospect out of e-mail");
        prospects.MapPost("/sync-writes", ApplySyncWrites).WithName("ApplySyncWrites")
            .WithRequestBodyLimit(MaxSyncWritesBytes)
            .WithSummary("The sync-worker's write-back of CRM values, applied as the sync's own change (origin Sync); "
                + "a 503 part-way lists what was written, and sending the request again is safe");

        api.MapCustomFieldsApi();
        api.MapImportsApi();
        api.MapAutomationRulesApi();
        api.MapOutboxApi();
        return api;
    }

    /// <summary>Creates a prospect with the e-mail address, fields and assigned user given.</summary>
    private static async Task<IResult> Create(CreateProspectRequest request, ProspectWriter writer, ICustomFieldStore customFields, CancellationToken cancellationToken)
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
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "E-mail address taken",
                detail: $"Prospect {prospect.Id} has this e-mail address; one address is one prospect.",
                extensions: new Dictionary<string, object?> { ["prospectId"] = prospect.Id, ["member"] = "email" });
        }
        return Results.Created($"/prospects/{prospect.Id}", prospect.ToDto());
    }

    /// <summary>Finds or creates the prospect with the address; fields fill the blanks of one that exists.</summary>
    private static async Task<IResult> Resolve(ResolveRequest request, ProspectWriter writer, ICustomFieldStore customFields, CancellationToken cancellationToken)
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
        return created ? Results.Created($"/prospects/{prospect.Id}", resolved) : Results.Ok(resolved);
    }

    private static async Task<IResult> Get(long prospectId, IProspectStore store, CancellationToken cancellationToken) =>
        await store.Get(prospectId, cancellationToken) is { } prospect ? Results.Ok(prospect.ToDto()) : NotFound(prospectId);

    private static async Task<IResult> FindByEmail([FromQuery] string? email, IProspectStore store, CancellationToken cancellationToken)
    {
        var validation = new RequestValidation();
        var normalized = Email(email, validation);
        if (!validation.IsValid)
            return validation.Problem();
        var prospect = await store.FindClaim(normalized!, cancellationToken) is { } id ? await store.Get(id, cancellationToken) : null;
        return prospect is null
            ? Results.Problem(statusCode: StatusCodes.Status404NotFound, type: ProspectEditorProblems.ProspectNotFound, title: "Prospect not found",
                detail: "No prospect has this e-mail address.")
            : Results.Ok(prospect.ToDto());
    }

    private static async Task<IResult> Lookup(ProspectLookupRequest request, IProspectStore store, CancellationToken cancellationToken)
    {
        var validation = new RequestValidation();
        Ids(request.Ids, "ids", validation);
        if (!validation.IsValid)
            return validation.Problem();
        var ids = request.Ids.Distinct().ToList();
        var found = await store.GetMany(ids, cancellationToken);
        var missing = ids.Except(found.Select(prospect => prospect.Id)).ToList();
        return Results.Ok(new ProspectLookupResult(found.Select(prospect => prospect.ToDto()).ToList(), missing));
    }

    private static async Task<IResult> UpdateFields(
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

    private static async Task<IResult> AssignUser(long prospectId, AssignUserRequest request, ProspectWriter writer, CancellationToken cancellationToken)
    {
        var validation = new RequestValidation();
        validation.Report("assignedUser", ProspectValues.User(request.AssignedUser));
        var by = Attribution(request.Origin, ChangeOrigin.Api, EditOrigins, request.ChangedBy, validation);
        if (!validation.IsValid)
            return validation.Problem();
        return Written(prospectId, await writer.Update(prospectId, prospect => ProspectEdits.AssignUser(prospect, request.AssignedUser), by, cancellationToken));
    }

    private static async Task<IResult> AddToCrmCampaign(long prospectId, AddToCrmCampaignRequest request, ProspectWriter writer, CancellationToken cancellationToken)
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

    private static async Task<IResult> SetDoNotSync(long prospectId, DoNotSyncRequest request, ProspectWriter writer, CancellationToken cancellationToken)
    {
        var validation = new RequestValidation();
        validation.Require(request.DoNotSync is not null, "doNotSync", "Say true to set Do Not Sync or false to clear it.");
        var by = Attribution(request.Origin, ChangeOrigin.User, EditOrigins, request.ChangedBy, validation);
        if (!validation.IsValid)
            return validation.Problem();
        return Written(prospectId, await writer.Update(prospectId, prospect => ProspectEdits.SetDoNotSync(prospect, request.DoNotSync!.Value), by, cancellationToken));
    }

    /// <summary>The prospect's own unsubscribe (through activity-tracker's unsubscribe page), which changes the record.</summary>
    private static async Task<IResult> Unsubscribe(long prospectId, ProspectWriter writer, CancellationToken cancellationToken) =>
        Written(prospectId, await writer.Update(prospectId, ProspectEdits.Unsubscribe,
            new ChangeAttribution(ChangeOrigin.Api, "prospect's unsubscribe"), cancellationToken));

    /// <summary>
    /// Applies each write in turn. When Redis fails part-way, the answer lists the prospects written and those not; sending
    /// the whole request again is safe, since a write already applied changes nothing the second time.
    /// </summary>
    private static async Task<IResult> ApplySyncWrites(
        SyncWriteBackRequest request, HttpContext http, ProspectWriter writer, ICustomFieldStore customFields, CancellationToken cancellationToken)
    {
        var catalog = await customFields.Catalog(cancellationToken);
        var validation = new RequestValidation();
        if (request.Writes is null or { Count: 0 })
            validation.Add("writes", "List at least one write.");
        else if (request.Writes.Count > MaxBatch)
            validation.Add("writes", $"At most {MaxBatch} writes per request.");
        else
        {
            for (var index = 0; index < request.Writes.Count; index++)
                SyncWrite(request.Writes[index], $"writes[{index}]", catalog, validation);
        }
        if (!validation.IsValid)
            return validation.Problem();

        var written = new List<ProspectDto>();
        var missing = new List<long>();
        foreach (var write in request.Writes!)
        {
            // The CRM's fields map onto the prospect's by name; the e-mail address stays the prospect's identity, and
            // fields the marketing side does not have are not created by a sync.
            var fields = Known(write.Fields, catalog);
            var readValues = Known(write.ReadValues, catalog);
            if (write.ReadValues is not null && write.ReadValues.TryGetValue(ProspectFields.AssignedUser, out var readUser))
                readValues[ProspectFields.AssignedUser] = readUser;
            var by = new ChangeAttribution(ChangeOrigin.Sync, "sync", write.SyncId);
            WriteResult? result;
            try
            {
                result = await writer.Update(write.ProspectId, prospect => ProspectEdits.ApplySyncWrite(prospect, write, fields, readValues), by, cancellationToken);
            }
            catch (Exception exception) when (PartlyApplied.IsStoreFailure(exception))
            {
                var notWritten = request.Writes.Skip(written.Count + missing.Count).Select(pending => pending.ProspectId).ToList();
                return PartlyApplied.Problem(http, exception,
                    "The writes of the prospects in 'written' were applied; those in 'notWritten' were not.",
                    new Dictionary<string, object?>
                    {
                        ["written"] = written.Select(prospect => prospect.Id).ToList(),
                        ["missing"] = missing,
                        ["notWritten"] = notWritten,
                    });
            }
            if (result is null)
                missing.Add(write.ProspectId);
            else
                written.Add(result.Prospect.ToDto());
        }
        return Results.Ok(new SyncWriteBackResult(written, missing));
    }

    /// <summary>The values of fields a prospect has, by their canonical names; the others (the CRM's own fields) are ignored.</summary>
    private static Dictionary<string, string?> Known(IReadOnlyDictionary<string, string?>? values, ProspectFields catalog) =>
        (values ?? new Dictionary<string, string?>())
            .Select(field => (Name: catalog.Resolve(field.Key), field.Value))
            .Where(field => field.Name is not null)
            .GroupBy(field => field.Name!, StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => group.Last().Value, StringComparer.Ordinal);

    private static void SyncWrite(SyncWriteBack? write, string member, ProspectFields catalog, RequestValidation validation)
    {
        if (write is null)
        {
            validation.Add(member, "A write is required.");
            return;
        }
        validation.Require(write.ProspectId > 0, $"{member}.prospectId", "A positive prospect id is required.");
        validation.Require(write.SyncId != Guid.Empty, $"{member}.syncId", "The sync's id is required: it marks the write as the sync's own.");
        // Only the fields a prospect has are written; the CRM's others are ignored, whatever their length.
        foreach (var (name, value) in write.Fields ?? new Dictionary<string, string?>())
        {
            if (catalog.Resolve(name) is not null)
                validation.Report($"{member}.fields.{name}", ProspectValues.FieldValue(value));
        }
        validation.Report($"{member}.assignedUser", ProspectValues.User(write.AssignedUser));
        validation.Report($"{member}.crmRecordId", ProspectValues.CrmRecordId(write.CrmRecordId));
    }

    private static IResult Written(long prospectId, WriteResult? result) =>
        result is null ? NotFound(prospectId) : Results.Ok(result.Prospect.ToDto());

    internal static ProblemHttpResult NotFound(long prospectId) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, type: ProspectEditorProblems.ProspectNotFound, title: "Prospect not found",
            detail: $"No prospect has id {prospectId}.", extensions: new Dictionary<string, object?> { ["prospectId"] = prospectId });

    private static string? Email(string? email, RequestValidation validation)
    {
        var normalized = ProspectEmail.Normalize(email, out var problem);
        if (normalized is null)
            validation.Add("email", problem!);
        return normalized;
    }

    private static Dictionary<string, string?> Fields(IReadOnlyDictionary<string, string?>? fields, ProspectFields catalog, RequestValidation validation)
    {
        var resolved = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (name, value) in fields ?? new Dictionary<string, string?>())
        {
            var member = $"fields.{name}";
            if (ProspectFields.Key(name) is "email" or "emailaddress")
                validation.Add(member, "The e-mail address identifies the prospect and is not a field: it cannot be set here.");
            else if (catalog.Resolve(name) is not { } canonical)
                validation.Add(member, $"No prospect field is named '{name}'; create it first with POST /custom-fields.");
            else if (ProspectValues.FieldValue(value) is { } problem)
                validation.Add(member, problem);
            else
                resolved[canonical] = value?.Trim();
        }
        return resolved;
    }

    private static ChangeAttribution Attribution(
        ChangeOrigin? origin, ChangeOrigin fallback, IReadOnlyList<ChangeOrigin> allowed, string? changedBy, RequestValidation validation)
    {
        var chosen = origin ?? fallback;
        if (!allowed.Contains(chosen))
        {
            var reason = chosen switch
            {
                ChangeOrigin.Sync => "Sync is reserved for the sync-worker's write-back (POST /prospects/sync-writes).",
                ChangeOrigin.Import => "Import is reserved for CSV imports (POST /imports).",
                ChangeOrigin.AutomationRule => "AutomationRule is reserved for rule runs (POST /automation-rules/{id}/run).",
                _ => "This origin cannot make this change.",
            };
            validation.Add("origin", $"{reason} Allowed here: {string.Join(", ", allowed)}.");
        }
        validation.Report("changedBy", ProspectValues.ChangedBy(changedBy));
        return new ChangeAttribution(chosen, string.IsNullOrWhiteSpace(changedBy) ? null : changedBy.Trim());
    }

    internal static void Ids(IReadOnlyList<long>? ids, string member, RequestValidation validation)
    {
        if (ids is null or { Count: 0 })
        {
            validation.Add(member, "List at least one prospect id.");
            return;
        }
        if (ids.Count > MaxBatch)
            validation.Add(member, $"At most {MaxBatch} ids per request.");
        for (var index = 0; index < ids.Count; index++)
        {
            if (ids[index] <= 0)
                validation.Add($"{member}[{index}]", "Prospect ids are positive.");
        }
    }
}
