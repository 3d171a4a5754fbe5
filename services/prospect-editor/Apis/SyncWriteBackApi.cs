using Microsoft.AspNetCore.Http.HttpResults;
using Sync.Clients.ProspectEditor;
using Sync.Contracts;
using Sync.ProspectEditor.Prospects;
using Sync.ProspectEditor.Storage;
using Sync.ServiceDefaults.Http;

namespace Sync.ProspectEditor.Apis;

/// <summary>The sync-worker's write-back of the CRM's values into the prospects it synced: the sync's own change (origin Sync).</summary>
public static class SyncWriteBackApi
{
    /// <summary>A write-back of <see cref="ProspectEditorApi.MaxBatch"/> prospects with long CRM values: Kestrel's own default limit, as before.</summary>
    private const long MaxSyncWritesBytes = 30_000_000;

    /// <summary>Maps POST /prospects/sync-writes on the prospects group.</summary>
    public static RouteGroupBuilder MapSyncWriteBackApi(this RouteGroupBuilder prospects)
    {
        prospects.MapPost("/sync-writes", ApplySyncWrites).WithName("ApplySyncWrites")
            .WithRequestBodyLimit(MaxSyncWritesBytes)
            .WithSummary("The sync-worker's write-back of CRM values, applied as the sync's own change (origin Sync); "
                + "a 503 part-way lists what was written, and sending the request again is safe")
            .ProducesProblem(StatusCodes.Status500InternalServerError).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return prospects;
    }

    /// <summary>
    /// Applies each write in turn. When Redis fails part-way, the answer lists the prospects written and those not; sending
    /// the whole request again is safe, since a write already applied changes nothing the second time.
    /// </summary>
    private static async Task<Results<Ok<SyncWriteBackResult>, ValidationProblem, ProblemHttpResult>> ApplySyncWrites(
        SyncWriteBackRequest request, HttpContext http, ProspectWriter writer, ICustomFieldStore customFields, CancellationToken cancellationToken)
    {
        var catalog = await customFields.Catalog(cancellationToken);
        var validation = new RequestValidation();
        if (request.Writes is null or { Count: 0 })
            validation.Add("writes", "List at least one write.");
        else if (request.Writes.Count > ProspectEditorApi.MaxBatch)
            validation.Add("writes", $"At most {ProspectEditorApi.MaxBatch} writes per request.");
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
        return TypedResults.Ok(new SyncWriteBackResult(written, missing));
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
}
