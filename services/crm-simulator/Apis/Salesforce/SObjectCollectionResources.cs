using System.Text.Json;
using System.Text.Json.Nodes;
using Sync.CrmSimulator.Errors;
using Sync.CrmSimulator.Reading;
using Sync.CrmSimulator.Schema;
using Sync.CrmSimulator.Writing;
using static Sync.CrmSimulator.Apis.Salesforce.ResourceInput;

namespace Sync.CrmSimulator.Apis.Salesforce;

/// <summary>
/// composite/sobjects: up to 200 records of mixed objects in one call, charged once — created, updated or deleted with
/// allOrNone or record by record, or retrieved by id.
/// </summary>
public sealed class SObjectCollectionResources(CrmReader reader, CrmWriter writer)
{
    public const int MaxCollectionRecords = 200;

    /// <summary>How many ids a retrieve may name; Salesforce takes more ids to read than records to write.</summary>
    public const int MaxRetrievedIds = 2000;

    public async Task<SalesforceResult> CreateCollection(SalesforceRequest request, CancellationToken cancellationToken)
    {
        var (allOrNone, records) = CollectionBody(request);
        var typed = records.Select(TypedRecord).ToList();
        var valid = typed.Where(record => record.Error is null).Select(record => new NewRecord(record.Type!, record.Body)).ToList();
        if (allOrNone && valid.Count < typed.Count)
            return SaveAnswers.Collection(typed.Select(record => record.Error is null ? SaveOutcome.Failed(null, CrmApiError.RolledBack()) : SaveOutcome.Failed(null, record.Error)));
        var saved = new Queue<SaveOutcome>(await writer.Create(request.User, valid, allOrNone, cancellationToken));
        return SaveAnswers.Collection(typed.Select(record => record.Error is null ? saved.Dequeue() : SaveOutcome.Failed(null, record.Error)));
    }

    public async Task<SalesforceResult> UpdateCollection(SalesforceRequest request, CancellationToken cancellationToken)
    {
        var (allOrNone, records) = CollectionBody(request);
        var typed = records.Select(TypedRecord).Select(WithReadMoment).ToList();
        var valid = typed.Where(record => record.Error is null)
            .Select(record => new RecordChange(record.Type!, IdOf(record.Body), record.Body, record.IfUnmodifiedSince)).ToList();
        if (allOrNone && valid.Count < typed.Count)
            return SaveAnswers.Collection(typed.Select(record => SaveOutcome.Failed(IdOf(record.Body), record.Error ?? CrmApiError.RolledBack())));
        var saved = new Queue<SaveOutcome>(await writer.Update(request.User, valid, allOrNone, cancellationToken));
        return SaveAnswers.Collection(typed.Select(record => record.Error is null ? saved.Dequeue() : SaveOutcome.Failed(IdOf(record.Body), record.Error)));
    }

    /// <summary>DELETE composite/sobjects?ids=a,b[&amp;allOrNone=true].</summary>
    public async Task<SalesforceResult> DeleteCollection(SalesforceRequest request, CancellationToken cancellationToken)
    {
        var ids = (request.QueryValue("ids") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (ids.Length == 0)
            throw new CrmApiException(400, new CrmApiError("MISSING_ARGUMENT", "The ids parameter must name at least one record.", ["ids"]));
        if (ids.Length > MaxCollectionRecords)
            throw TooManyRecords();
        var allOrNone = string.Equals(request.QueryValue("allOrNone"), "true", StringComparison.OrdinalIgnoreCase);
        return SaveAnswers.Collection(await writer.Delete(request.User, [.. ids.Select(id => new RecordDeletion(null, id))], allOrNone, cancellationToken));
    }

    /// <summary>GET composite/sobjects/{type}?ids=a,b&amp;fields=f1,f2: the records found, null for the others, in the order asked.</summary>
    public async Task<SalesforceResult> RetrieveCollection(SalesforceRequest request, CancellationToken cancellationToken)
    {
        var type = TypeOf(request);
        var fields = CrmReader.FieldList(type, request.QueryValue("fields"));
        var ids = (request.QueryValue("ids") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (ids.Length > MaxRetrievedIds)
            throw TooManyRecords();
        var normalized = ids.Select(id => SalesforceId.TryNormalize(id, out var value) ? value : null).ToList();
        var records = (await reader.LiveMany(type, [.. normalized.OfType<string>()], cancellationToken)).ToDictionary(record => record.Id);
        var formulas = await reader.FormulaContextFor(type, records.Values, fields, cancellationToken);
        return SalesforceResult.Ok(new JsonArray([.. normalized.Select(id =>
            id is not null && records.TryGetValue(id, out var record) ? CrmReader.ToJson(type, record, fields, formulas) : null)]));
    }

    private static (bool AllOrNone, JsonArray Records) CollectionBody(SalesforceRequest request)
    {
        var body = BodyObject(request);
        if (body["records"] is not JsonArray records)
            throw new CrmApiException(400, CrmApiError.JsonParser("The body must hold a records array."));
        if (records.Count > MaxCollectionRecords)
            throw TooManyRecords();
        return (body["allOrNone"]?.GetValueKind() == JsonValueKind.True, records);
    }

    private static (SObjectDescribe? Type, JsonObject Body, CrmApiError? Error) TypedRecord(JsonNode? node)
    {
        if (node is not JsonObject json)
            return (null, new JsonObject(), CrmApiError.JsonParser("Each record must be a JSON object."));
        var typeName = json["attributes"] is JsonObject attributes ? Text(attributes, "type") : null;
        return SObjectSchema.Find(typeName) is { } type
            ? (type, json, null)
            : (null, json, new CrmApiError("INVALID_TYPE", typeName is null
                ? "Each record needs attributes.type naming its object."
                : $"sObject type '{typeName}' is not supported."));
    }

    /// <summary>
    /// A simulator extension of Salesforce's If-Unmodified-Since header, per record of an update collection:
    /// <c>attributes.ifUnmodifiedSince</c>, the LastModifiedDate the caller read.
    /// </summary>
    private static (SObjectDescribe? Type, JsonObject Body, CrmApiError? Error, DateTimeOffset? IfUnmodifiedSince) WithReadMoment(
        (SObjectDescribe? Type, JsonObject Body, CrmApiError? Error) record)
    {
        if (record.Error is not null || record.Body["attributes"] is not JsonObject attributes || attributes["ifUnmodifiedSince"] is not { } given)
            return (record.Type, record.Body, record.Error, null);
        return given.GetValueKind() == JsonValueKind.String && FieldValues.ParseDateTime(given.GetValue<string>()) is { } readAt
            ? (record.Type, record.Body, null, readAt)
            : (record.Type, record.Body, CrmApiError.JsonParser("attributes.ifUnmodifiedSince must be an ISO 8601 date-time, such as 2026-11-27T10:00:00.000+0000."), null);
    }

    private static CrmApiException TooManyRecords() =>
        new(400, new CrmApiError("EXCEEDED_ID_LIMIT", $"record limit reached. cannot submit more than {MaxCollectionRecords} records into this call"));
}
