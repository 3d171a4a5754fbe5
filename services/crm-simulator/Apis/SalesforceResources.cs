using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Sync.Clients.Crm;
using Sync.CrmSimulator.Crm;
using Sync.CrmSimulator.Extensions;
using Sync.CrmSimulator.Limits;
using Sync.CrmSimulator.Soql;
using Sync.CrmSimulator.Reading;
using Sync.CrmSimulator.Storage.Records;
using Sync.CrmSimulator.Writing;

namespace Sync.CrmSimulator.Apis;

/// <summary>The handlers of the Salesforce-shaped API; each answers as Salesforce does, errors included.</summary>
public sealed partial class SalesforceResources(
    CrmReader reader, CrmWriter writer, ApiAllowance allowance, ICrmRecordStore store, IOptions<CrmSimulatorOptions> options)
{
    public const int MaxCollectionRecords = 200;
    public const int MaxCompositeSubrequests = 25;
    public const int DefaultChangePage = 100;

    public async Task<SalesforceResult> Limits(CancellationToken cancellationToken)
    {
        var usage = await allowance.Current(cancellationToken);
        return SalesforceResult.Ok(new JsonObject
        {
            ["DailyApiRequests"] = new JsonObject
            {
                ["Max"] = usage.Limit,
                ["Remaining"] = usage.Remaining,
                ["ResetsAt"] = FieldValues.FormatDateTime(usage.ResetsAt),
            },
        });
    }

    /// <summary>
    /// The change feed: entries after a position, oldest first, with the head position. A position that retention has
    /// passed answers 410 REPLAY_ID_EXPIRED, naming the oldest position still kept, since changes were lost to that reader.
    /// </summary>
    public async Task<SalesforceResult> Changes(SalesforceRequest request, CancellationToken cancellationToken)
    {
        var after = ParseQueryNumber(request, "after", 0, 0, long.MaxValue);
        var limit = (int)ParseQueryNumber(request, "limit", DefaultChangePage, 1, options.Value.Feed.MaxPageSize);
        var page = await store.ReadFeed(after, limit, cancellationToken);
        if (after < page.Floor)
        {
            var error = new CrmApiError("REPLAY_ID_EXPIRED",
                $"Position {after} is older than the change feed keeps ({options.Value.Feed.RetainedEntries} entries): changes up to {page.Floor} are gone. Resume after {page.Floor}.",
                ["after"]).ToRequestError();
            error["oldestPosition"] = page.Floor + 1;
            return new SalesforceResult(StatusCodes.Status410Gone, new JsonArray(error));
        }
        if (after > page.Head)
        {
            return SalesforceResult.Error(StatusCodes.Status400BadRequest, new CrmApiError("INVALID_REPLAY_ID",
                $"Position {after} is beyond the head of the change feed ({page.Head}): it does not come from this CRM's feed.", ["after"]));
        }
        return SalesforceResult.Ok(JsonSerializer.SerializeToNode(new CrmChangePage(page.Changes, page.Head), JsonSerializerOptions.Web)!);
    }

    public async Task<SalesforceResult> Query(SalesforceRequest request, CancellationToken cancellationToken) =>
        SalesforceResult.Ok(await reader.Query(SoqlParser.Parse(request.QueryValue("q")), cancellationToken));

    public Task<SalesforceResult> Describe(SalesforceRequest request, CancellationToken cancellationToken)
    {
        var type = TypeOf(request);
        return Task.FromResult(SalesforceResult.Ok(new JsonObject
        {
            ["name"] = type.Name,
            ["keyPrefix"] = type.KeyPrefix,
            ["custom"] = false,
            ["fields"] = new JsonArray([.. type.Fields.Select(field => (JsonNode)new JsonObject
            {
                ["name"] = field.Name,
                ["type"] = field.Kind.ToString().ToLowerInvariant(),
                ["length"] = field.MaxLength,
                ["custom"] = field.Custom,
                ["createable"] = field.Createable,
                ["updateable"] = field.Updateable,
                ["nillable"] = !field.Required && field.Createable,
                ["calculated"] = field.Calculated,
                ["filterable"] = true,
                ["referenceTo"] = new JsonArray([.. field.ReferenceTo.Select(target => JsonValue.Create(target))]),
                ["defaultValue"] = field.DefaultValue,
            })]),
        }));
    }

    public async Task<SalesforceResult> Create(SalesforceRequest request, CancellationToken cancellationToken)
    {
        var type = TypeOf(request);
        var outcome = (await writer.Create(request.User, [new NewRecord(type, BodyObject(request))], allOrNone: true, cancellationToken))[0];
        if (!outcome.Success)
            return FailedSave(outcome);
        return new SalesforceResult(StatusCodes.Status201Created, SaveResult(outcome),
            new Dictionary<string, string> { ["Location"] = CrmReader.RecordUrl(type, outcome.Id!) });
    }

    public async Task<SalesforceResult> Read(SalesforceRequest request, CancellationToken cancellationToken) =>
        SalesforceResult.Ok(await reader.Read(TypeOf(request), request.Route("id"), request.QueryValue("fields"), cancellationToken));

    public async Task<SalesforceResult> Update(SalesforceRequest request, CancellationToken cancellationToken)
    {
        var outcome = (await writer.Update(request.User, [new RecordChange(TypeOf(request), request.Route("id"), BodyObject(request))], allOrNone: true, cancellationToken))[0];
        return outcome.Success ? SalesforceResult.NoContent : FailedSave(outcome);
    }

    public async Task<SalesforceResult> Delete(SalesforceRequest request, CancellationToken cancellationToken)
    {
        var outcome = (await writer.Delete(request.User, [new RecordDeletion(TypeOf(request), request.Route("id"))], allOrNone: true, cancellationToken))[0];
        return outcome.Success ? SalesforceResult.NoContent : FailedSave(outcome);
    }

    public async Task<SalesforceResult> Undelete(SalesforceRequest request, CancellationToken cancellationToken)
    {
        var outcome = await writer.Undelete(request.User, TypeOf(request), request.Route("id"), cancellationToken);
        return outcome.Success ? SalesforceResult.Ok(SaveResult(outcome)) : FailedSave(outcome);
    }

    /// <summary>
    /// Converts a Lead (the REST form of Salesforce's convertLead): body {"accountId"?, "contactId"?, "convertedStatus"?, "ownerId"?},
    /// answer {"leadId","contactId","accountId","success","errors"}.
    /// </summary>
    public async Task<SalesforceResult> ConvertLead(SalesforceRequest request, CancellationToken cancellationToken)
    {
        var body = request.Body is null ? new JsonObject() : BodyObject(request);
        var conversion = new LeadConversion(Text(body, "accountId"), Text(body, "contactId"), Text(body, "convertedStatus"), Text(body, "ownerId"));
        var (outcome, converted) = await writer.Convert(request.User, request.Route("id"), conversion, cancellationToken);
        if (!outcome.Success)
            return FailedSave(outcome);
        return SalesforceResult.Ok(new JsonObject
        {
            ["leadId"] = converted!.LeadId,
            ["contactId"] = converted.ContactId,
            ["accountId"] = converted.AccountId,
            ["success"] = true,
            ["errors"] = new JsonArray(),
        });
    }

    public async Task<SalesforceResult> CreateCollection(SalesforceRequest request, CancellationToken cancellationToken)
    {
        var (allOrNone, records) = CollectionBody(request);
        var typed = records.Select(TypedRecord).ToList();
        var valid = typed.Where(record => record.Error is null).Select(record => new NewRecord(record.Type!, record.Body)).ToList();
        if (allOrNone && valid.Count < typed.Count)
            return CollectionAnswer(typed.Select(record => record.Error is null ? SaveOutcome.Failed(null, CrmApiError.RolledBack()) : SaveOutcome.Failed(null, record.Error)));
        var saved = new Queue<SaveOutcome>(await writer.Create(request.User, valid, allOrNone, cancellationToken));
        return CollectionAnswer(typed.Select(record => record.Error is null ? saved.Dequeue() : SaveOutcome.Failed(null, record.Error)));
    }

    public async Task<SalesforceResult> UpdateCollection(SalesforceRequest request, CancellationToken cancellationToken)
    {
        var (allOrNone, records) = CollectionBody(request);
        var typed = records.Select(TypedRecord).Select(WithReadMoment).ToList();
        var valid = typed.Where(record => record.Error is null)
            .Select(record => new RecordChange(record.Type!, IdOf(record.Body), record.Body, record.IfUnmodifiedSince)).ToList();
        if (allOrNone && valid.Count < typed.Count)
            return CollectionAnswer(typed.Select(record => SaveOutcome.Failed(IdOf(record.Body), record.Error ?? CrmApiError.RolledBack())));
        var saved = new Queue<SaveOutcome>(await writer.Update(request.User, valid, allOrNone, cancellationToken));
        return CollectionAnswer(typed.Select(record => record.Error is null ? saved.Dequeue() : SaveOutcome.Failed(IdOf(record.Body), record.Error)));
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
        return CollectionAnswer(await writer.Delete(request.User, [.. ids.Select(id => new RecordDeletion(null, id))], allOrNone, cancellationToken));
    }

    /// <summary>GET composite/sobjects/{type}?ids=a,b&amp;fields=f1,f2: the records found, null for the others, in the order asked.</summary>
    public async Task<SalesforceResult> RetrieveCollection(SalesforceRequest request, CancellationToken cancellationToken)
    {
        var type = TypeOf(request);
        var fields = CrmReader.FieldList(type, request.QueryValue("fields"));
        var ids = (request.QueryValue("ids") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (ids.Length > 2000)
            throw TooManyRecords();
        var normalized = ids.Select(id => SalesforceId.TryNormalize(id, out var value) ? value : null).ToList();
        var records = (await reader.LiveMany(type, [.. normalized.OfType<string>()], cancellationToken)).ToDictionary(record => record.Id);
        var formulas = await reader.FormulaContextFor(type, records.Values, fields, cancellationToken);
        return SalesforceResult.Ok(new JsonArray([.. normalized.Select(id =>
            id is not null && records.TryGetValue(id, out var record) ? CrmReader.ToJson(type, record, fields, formulas) : null)]));
    }

    /// <summary>
    /// POST composite: up to 25 subrequests in one call, charged once, run in order; a subrequest may use an earlier one's
    /// answer through "@{referenceId.path}" in its url or body. allOrNone is honoured when every subrequest reads (GET);
    /// writes that must succeed or fail together belong in composite/sobjects with allOrNone.
    /// </summary>
    public async Task<SalesforceResult> Composite(SalesforceRequest request, CancellationToken cancellationToken)
    {
        var body = BodyObject(request);
        var allOrNone = body["allOrNone"]?.GetValueKind() == JsonValueKind.True;
        if (body["compositeRequest"] is not JsonArray subrequests || subrequests.Count == 0)
            throw new CrmApiException(400, CrmApiError.JsonParser("compositeRequest must be a non-empty array of subrequests."));
        if (subrequests.Count > MaxCompositeSubrequests)
            throw new CrmApiException(400, new CrmApiError("LIMIT_EXCEEDED", $"A composite request may hold at most {MaxCompositeSubrequests} subrequests; this one holds {subrequests.Count}."));

        var parsed = subrequests.Select(ParseSubrequest).ToList();
        var duplicate = parsed.GroupBy(subrequest => subrequest.ReferenceId, StringComparer.Ordinal).FirstOrDefault(group => group.Count() > 1);
        if (duplicate is not null)
            throw new CrmApiException(400, new CrmApiError("INVALID_INPUT", $"Duplicate referenceId '{duplicate.Key}': each subrequest needs its own.", ["referenceId"]));
        if (allOrNone && parsed.Any(subrequest => subrequest.Method != "GET"))
            throw new CrmApiException(400, new CrmApiError("INVALID_OPERATION",
                "allOrNone is honoured for composite requests that only read (GET). For writes that must all succeed or none, use composite/sobjects with allOrNone."));

        var answers = new List<(string ReferenceId, SalesforceResult Result)>();
        var halted = false;
        foreach (var subrequest in parsed)
        {
            SalesforceResult result;
            try
            {
                result = halted
                    ? SalesforceResult.Error(400, CrmApiError.ProcessingHalted())
                    : await Run(subrequest, request.User, answers, cancellationToken);
            }
            catch (Exception exception) when (exception is RedisException or RedisTimeoutException)
            {
                throw new CompositeInterruptedException(Interrupted(parsed, answers), exception);
            }
            answers.Add((subrequest.ReferenceId, result));
            halted |= allOrNone && !result.Succeeded;
        }

        if (allOrNone && halted)
        {
            answers = [.. answers.Select(answer => answer.Result.Succeeded
                ? (answer.ReferenceId, SalesforceResult.Error(400, CrmApiError.ProcessingHalted()))
                : answer)];
        }

        return SalesforceResult.Ok(new JsonObject
        {
            ["compositeResponse"] = new JsonArray([.. answers.Select(answer => (JsonNode)new JsonObject
            {
                ["body"] = answer.Result.Body?.DeepClone(),
                ["httpHeaders"] = new JsonObject([.. (answer.Result.Headers ?? new Dictionary<string, string>())
                    .Select(header => KeyValuePair.Create(header.Key, (JsonNode?)JsonValue.Create(header.Value)))]),
                ["httpStatusCode"] = answer.Result.Status,
                ["referenceId"] = answer.ReferenceId,
            })]),
        });
    }

    /// <summary>
    /// What a composite interrupted at its next subrequest leaves, as Salesforce leaves it without allOrNone: the writes
    /// before it committed one by one and stay saved, the interrupted one is saved entirely or not at all, the rest never ran.
    /// </summary>
    private static string Interrupted(IReadOnlyList<Subrequest> subrequests, List<(string ReferenceId, SalesforceResult Result)> answered)
    {
        var interrupted = subrequests[answered.Count];
        var saved = answered.Where((answer, i) => subrequests[i].Method != "GET" && answer.Result.Succeeded).Select(answer => $"'{answer.ReferenceId}'").ToList();
        var message = new List<string> { $"The CRM's store became unavailable during subrequest '{interrupted.ReferenceId}' ({answered.Count + 1} of {subrequests.Count})." };
        if (saved.Count > 0)
            message.Add($"The changes of the subrequests before it ({string.Join(", ", saved)}) are committed and stay saved.");
        if (interrupted.Method != "GET")
            message.Add($"'{interrupted.ReferenceId}' was saved entirely or not at all.");
        if (answered.Count + 1 < subrequests.Count)
            message.Add("The subrequests after it did not run.");
        message.Add(saved.Count == 0 && interrupted.Method == "GET" ? "Nothing was changed. Retry shortly." : "Read the records before retrying.");
        return string.Join(' ', message);
    }

    private async Task<SalesforceResult> Run(Subrequest subrequest, Users.CrmUser user, List<(string ReferenceId, SalesforceResult Result)> earlier, CancellationToken cancellationToken)
    {
        try
        {
            var url = Substitute(subrequest.Url, earlier);
            var body = subrequest.Body is null ? null : SubstituteIn(subrequest.Body.DeepClone(), earlier);
            var split = url.IndexOf('?', StringComparison.Ordinal);
            var path = split < 0 ? url : url[..split];
            var query = split < 0 ? [] : Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(url[(split + 1)..])
                .ToDictionary(pair => pair.Key, pair => pair.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            var version = VersionedPath().Match(path);
            if (!version.Success)
                return SalesforceResult.Error(404, new CrmApiError("NOT_FOUND", $"The requested resource does not exist: {path}. Subrequest urls start with {SalesforceRoute.BasePath}/.", ["url"]));
            var resource = path[version.Length..];
            if (SalesforceRoute.Match(subrequest.Method, resource) is not { } match)
                return SalesforceResult.Error(404, CrmApiError.NotFound());
            if (match.Route.Template == "composite")
                return SalesforceResult.Error(400, new CrmApiError("INVALID_INPUT", "A composite request cannot hold another composite request.", ["url"]));
            return await match.Route.Handle(this, new SalesforceRequest(user, match.Values, query, body), cancellationToken);
        }
        catch (CrmApiException exception)
        {
            return SalesforceResult.Error(exception.Status, exception.Error);
        }
    }

    private static string Substitute(string text, List<(string ReferenceId, SalesforceResult Result)> earlier) =>
        Reference().Replace(text, match => Resolve(match.Groups[1].Value, match.Groups[2].Value, earlier));

    private static JsonNode? SubstituteIn(JsonNode? node, List<(string ReferenceId, SalesforceResult Result)> earlier)
    {
        switch (node)
        {
            case JsonObject json:
                foreach (var name in json.Select(property => property.Key).ToList())
                    json[name] = SubstituteIn(json[name]?.DeepClone(), earlier);
                return json;
            case JsonArray array:
                return new JsonArray([.. array.Select(item => SubstituteIn(item?.DeepClone(), earlier))]);
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                return JsonValue.Create(Substitute(value.GetValue<string>(), earlier));
            default:
                return node;
        }
    }

    private static string Resolve(string referenceId, string path, List<(string ReferenceId, SalesforceResult Result)> earlier)
    {
        var halted = new CrmApiException(400, new CrmApiError("PROCESSING_HALTED",
            $"Invalid reference specified. No value for {referenceId}.{path} found in {referenceId}."));
        var answer = earlier.FirstOrDefault(candidate => candidate.ReferenceId == referenceId);
        if (answer.Result is not { Succeeded: true, Body: { } node })
            throw halted;
        JsonNode? current = node;
        foreach (var step in path.Split('.'))
        {
            var indexed = IndexedStep().Match(step);
            current = current is JsonObject json ? json[indexed.Success ? indexed.Groups[1].Value : step] : null;
            if (indexed.Success)
                current = current is JsonArray array && int.Parse(indexed.Groups[2].Value, CultureInfo.InvariantCulture) is var index && index < array.Count ? array[index] : null;
        }
        return current is JsonValue found ? found.ToString() : throw halted;
    }

    private static Subrequest ParseSubrequest(JsonNode? node, int index)
    {
        if (node is not JsonObject json)
            throw new CrmApiException(400, CrmApiError.JsonParser($"compositeRequest[{index}] must be an object with method, url and referenceId."));
        var method = Text(json, "method")?.ToUpperInvariant();
        var url = Text(json, "url");
        var referenceId = Text(json, "referenceId");
        if (method is not ("GET" or "POST" or "PATCH" or "DELETE"))
            throw new CrmApiException(400, new CrmApiError("INVALID_INPUT", $"compositeRequest[{index}].method must be GET, POST, PATCH or DELETE.", ["method"]));
        if (string.IsNullOrWhiteSpace(url))
            throw new CrmApiException(400, new CrmApiError("INVALID_INPUT", $"compositeRequest[{index}].url is required.", ["url"]));
        if (referenceId is null || !ReferenceIdPattern().IsMatch(referenceId))
            throw new CrmApiException(400, new CrmApiError("INVALID_INPUT", $"compositeRequest[{index}].referenceId is required: letters, digits and underscores, starting with a letter.", ["referenceId"]));
        return new Subrequest(method, url, referenceId, json["body"]);
    }

    private sealed record Subrequest(string Method, string Url, string ReferenceId, JsonNode? Body);

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

    private static SalesforceResult CollectionAnswer(IEnumerable<SaveOutcome> outcomes) =>
        SalesforceResult.Ok(new JsonArray([.. outcomes.Select(outcome => (JsonNode)SaveResult(outcome))]));

    private static JsonObject SaveResult(SaveOutcome outcome) => new()
    {
        ["id"] = outcome.Id,
        ["success"] = outcome.Success,
        ["errors"] = new JsonArray([.. outcome.Errors.Select(error => (JsonNode)error.ToRecordError())]),
    };

    private static SalesforceResult FailedSave(SaveOutcome outcome) =>
        SalesforceResult.Error(outcome.Errors.Any(error => error.ErrorCode is "NOT_FOUND" or "ENTITY_IS_DELETED") ? 404 : 400, [.. outcome.Errors]);

    private static SObjectDescribe TypeOf(SalesforceRequest request) =>
        SObjectSchema.Find(request.Route("type"))
        ?? throw new CrmApiException(404, new CrmApiError("NOT_FOUND", $"The requested resource does not exist: sObject type '{request.Route("type")}' is not supported."));

    private static JsonObject BodyObject(SalesforceRequest request) =>
        request.Body as JsonObject ?? throw new CrmApiException(400, CrmApiError.JsonParser("The request body must be a JSON object."));

    // Field names are case-insensitive in Salesforce's API, "id" included.
    private static string? IdOf(JsonObject record) =>
        record.FirstOrDefault(property => string.Equals(property.Key, SObjectSchema.Id, StringComparison.OrdinalIgnoreCase)).Value is JsonValue value
        && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    private static string? Text(JsonObject json, string name) =>
        json[name] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    private static long ParseQueryNumber(SalesforceRequest request, string name, long fallback, long min, long max)
    {
        var text = request.QueryValue(name);
        if (string.IsNullOrEmpty(text))
            return fallback;
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            throw new CrmApiException(400, new CrmApiError("INVALID_QUERY_PARAMETER", $"{name} must be a whole number from {min} to {max}.", [name]));
        return value;
    }

    private static CrmApiException TooManyRecords() =>
        new(400, new CrmApiError("EXCEEDED_ID_LIMIT", $"record limit reached. cannot submit more than {MaxCollectionRecords} records into this call"));

    [GeneratedRegex(@"@\{([A-Za-z][A-Za-z0-9_]*)\.([A-Za-z0-9_.\[\]]+)\}")]
    private static partial Regex Reference();

    [GeneratedRegex(@"^([A-Za-z0-9_]+)\[(\d+)\]$")]
    private static partial Regex IndexedStep();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_]*$")]
    private static partial Regex ReferenceIdPattern();

    [GeneratedRegex(@"^/services/data/v\d+\.\d+/", RegexOptions.IgnoreCase)]
    private static partial Regex VersionedPath();
}
