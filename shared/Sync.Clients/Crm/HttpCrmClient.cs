using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Sync.Contracts;

namespace Sync.Clients.Crm;

/// <summary>
/// <see cref="ICrmClient"/> over the CRM's Salesforce-shaped REST API (v60.0). Each method is one HTTP call: lookups are a
/// composite request of SOQL queries, writes are sObject Collections (inside one composite request when a batch both
/// creates and updates). It never retries: a retry spends allowance, so that is the caller's decision, told apart by
/// the exception type.
/// </summary>
internal sealed partial class HttpCrmClient(IHttpClientFactory httpClients, IOptions<CrmClientOptions> options) : ICrmClient
{
    public const string HttpClientName = "Sync.Crm";
    public const string ApiPath = "services/data/v60.0/";

    private const int MaxRecordsPerWrite = 200;
    private const int MaxSubrequests = 25;
    private const int MaxValuesPerQuery = 200;

    // Salesforce refuses request lines much longer than this; a query's IN list is split to stay under it.
    private const int MaxQueryLength = 6_000;

    private CrmApiUsage? _lastKnownUsage;

    public CrmApiUsage? LastKnownUsage => Volatile.Read(ref _lastKnownUsage);

    public async Task<CrmLookupResult> Lookup(CrmLookup lookup, CancellationToken cancellationToken)
    {
        var leadIds = lookup.LeadIds.Where(id => !string.IsNullOrWhiteSpace(id)).Distinct(StringComparer.Ordinal).ToList();
        var contactIds = lookup.ContactIds.Where(id => !string.IsNullOrWhiteSpace(id)).Distinct(StringComparer.Ordinal).ToList();
        var emails = lookup.Emails.Where(email => !string.IsNullOrWhiteSpace(email)).Select(email => email.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToList();

        var queries = new List<string>();
        queries.AddRange(InQueries(CrmObjectType.Lead, CrmFields.Id, leadIds.Where(IsRecordId)));
        queries.AddRange(InQueries(CrmObjectType.Contact, CrmFields.Id, contactIds.Where(IsRecordId)));
        queries.AddRange(InQueries(CrmObjectType.Contact, CrmFields.Email, emails));
        queries.AddRange(InQueries(CrmObjectType.Lead, CrmFields.Email, emails));

        var leads = new Dictionary<string, CrmRecord>(StringComparer.Ordinal);
        CrmApiUsage? usage = null;
        var contacts = new Dictionary<string, CrmRecord>(StringComparer.Ordinal);
        // One composite call holds 25 queries, each up to 200 ids or e-mail addresses: a batch of 200 prospects needs one.
        foreach (var call in queries.Chunk(MaxSubrequests))
        {
            var composite = new JsonObject
            {
                ["allOrNone"] = false,
                ["compositeRequest"] = new JsonArray([.. call.Select((query, i) => (JsonNode)new JsonObject
                {
                    ["method"] = "GET",
                    ["url"] = $"/{ApiPath}query?q={Uri.EscapeDataString(query)}",
                    ["referenceId"] = $"query{i}",
                })]),
            };
            var (answer, answeredUsage) = await Send(HttpMethod.Post, "composite", composite, cancellationToken);
            usage = answeredUsage ?? usage;
            foreach (var body in SubrequestBodies(answer, "composite"))
            {
                foreach (var record in (body?["records"] as JsonArray ?? []).OfType<JsonObject>().Select(ToRecord).OfType<CrmRecord>())
                {
                    var found = record.Type == CrmObjectType.Lead ? leads : contacts;
                    found.TryAdd(record.Id!, record);
                }
            }
        }

        var missing = leadIds.Where(id => !leads.Keys.Any(found => SameId(id, found)))
            .Concat(contactIds.Where(id => !contacts.Keys.Any(found => SameId(id, found))))
            .ToList();
        return new CrmLookupResult { Leads = [.. leads.Values], Contacts = [.. contacts.Values], MissingIds = missing, Usage = usage };
    }

    public async Task<CrmWriteResult> Write(IReadOnlyList<CrmRecord> creates, IReadOnlyList<CrmRecord> updates, CancellationToken cancellationToken)
    {
        if (creates.Count + updates.Count > MaxRecordsPerWrite)
            throw new ArgumentException($"One write carries at most {MaxRecordsPerWrite} records; this one has {creates.Count} creates and {updates.Count} updates.");
        if (updates.FirstOrDefault(record => (record.Id ?? record[CrmFields.Id]) is null) is { } anonymous)
            throw new ArgumentException($"A {anonymous.Type} to update has no Id.", nameof(updates));

        var createBody = Collection(creates, withId: false);
        var updateBody = Collection(updates, withId: true);
        if (creates.Count == 0 && updates.Count == 0)
            return new CrmWriteResult([], []);
        if (updates.Count == 0)
        {
            var (created, usage) = await Send(HttpMethod.Post, "composite/sobjects", createBody, cancellationToken);
            return new CrmWriteResult(SaveResults(created), []) { Usage = usage };
        }
        if (creates.Count == 0)
        {
            var (updated, usage) = await Send(HttpMethod.Patch, "composite/sobjects", updateBody, cancellationToken);
            return new CrmWriteResult([], SaveResults(updated)) { Usage = usage };
        }

        var composite = new JsonObject
        {
            ["allOrNone"] = false,
            ["compositeRequest"] = new JsonArray(
                new JsonObject { ["method"] = "POST", ["url"] = $"/{ApiPath}composite/sobjects", ["referenceId"] = "creates", ["body"] = createBody },
                new JsonObject { ["method"] = "PATCH", ["url"] = $"/{ApiPath}composite/sobjects", ["referenceId"] = "updates", ["body"] = updateBody }),
        };
        var (answer, writeUsage) = await Send(HttpMethod.Post, "composite", composite, cancellationToken);
        var subrequests = (answer?["compositeResponse"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        return new CrmWriteResult(
            SubrequestSaveResults(subrequests.ElementAtOrDefault(0), creates.Count, "the creates"),
            SubrequestSaveResults(subrequests.ElementAtOrDefault(1), updates.Count, "the updates")) { Usage = writeUsage };
    }

    /// <summary>
    /// The answers of one write subrequest. The two subrequests of a write commit apart, so one refused as a whole fails
    /// its own records only: the other's records are saved and must be reported so. A 5xx still fails the call, since a
    /// retry finds what was saved by e-mail.
    /// </summary>
    private static IReadOnlyList<CrmSaveResult> SubrequestSaveResults(JsonObject? subrequest, int records, string what)
    {
        if (SubrequestFailure(subrequest, $"The composite write's subrequest for {what}") is not { } failure)
            return SaveResults(subrequest!["body"]);
        var refused = new CrmSaveResult(null, false,
            failure.Errors.Count > 0 ? failure.Errors : [new CrmError($"HTTP_{failure.Status}", $"The CRM refused {what} of a composite write.", [])]);
        return [.. Enumerable.Repeat(refused, records)];
    }

    public async Task<CrmLimits> GetLimits(CancellationToken cancellationToken)
    {
        var (answer, _) = await Send(HttpMethod.Get, "limits", null, cancellationToken);
        var daily = answer?["DailyApiRequests"] as JsonObject
            ?? throw new CrmRequestException("The CRM's limits resource has no DailyApiRequests.", []);
        var max = daily["Max"]?.GetValue<int>() ?? 0;
        var remaining = daily["Remaining"]?.GetValue<int>() ?? 0;
        var resetsAt = daily["ResetsAt"] is JsonValue reset && DateTimeOffset.TryParse(reset.ToString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
            ? parsed
            : (DateTimeOffset?)null;
        return new CrmLimits(new CrmApiUsage(max - remaining, max), resetsAt);
    }

    public async Task<CrmChangePage> ReadChanges(long afterPosition, int limit, CancellationToken cancellationToken)
    {
        var (answer, _) = await Send(HttpMethod.Get, string.Create(CultureInfo.InvariantCulture, $"changes?after={afterPosition}&limit={limit}"), null, cancellationToken,
            feedPosition: afterPosition);
        return answer.Deserialize<CrmChangePage>(JsonSerializerOptions.Web)
            ?? throw new CrmRequestException("The CRM answered the change feed with no page.", []);
    }

    /// <summary>One HTTP call: the answer's body and the usage the CRM reported on that answer.</summary>
    private async Task<(JsonNode? Body, CrmApiUsage? Usage)> Send(HttpMethod method, string resource, JsonNode? body, CancellationToken cancellationToken, long? feedPosition = null)
    {
        var http = httpClients.CreateClient(HttpClientName);
        using var request = new HttpRequestMessage(method, resource);
        if (body is not null)
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        var what = $"{method} {resource.Split('?')[0]}";

        string text;
        HttpStatusCode status;
        CrmApiUsage? usage;
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            usage = RememberUsage(response);
            status = response.StatusCode;
            text = await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CrmTransientException($"The CRM did not answer {what} within {options.Value.Timeout.TotalSeconds:0.###} s.", exception);
        }
        catch (HttpRequestException exception)
        {
            throw new CrmTransientException($"The CRM could not be reached for {what}: {exception.HttpRequestError}.", exception);
        }

        if ((int)status is >= 200 and < 300)
            return (text.Length == 0 ? null : JsonNode.Parse(text), usage);
        throw await Failure(what, status, text, usage, feedPosition, cancellationToken);
    }

    private async Task<Exception> Failure(
        string what, HttpStatusCode status, string text, CrmApiUsage? usage, long? feedPosition, CancellationToken cancellationToken)
    {
        var errors = Errors(text, status);
        var first = errors.Count > 0 ? errors[0] : new ParsedError(new CrmError($"HTTP_{(int)status}", "", []), null);
        var summary = Summary((int)status, errors.Select(error => error.Error));

        if (first.ErrorCode == "REQUEST_LIMIT_EXCEEDED")
        {
            if (first.Message.Contains("Concurrent", StringComparison.OrdinalIgnoreCase))
                return new CrmTransientException($"The CRM refused {what}: too many requests at once ({summary}).");
            return new CrmRequestLimitExceededException(usage, await ResetTime(cancellationToken));
        }
        if (first.ErrorCode == "REPLAY_ID_EXPIRED" && feedPosition is { } requested)
            return new CrmFeedCursorExpiredException(requested, first.OldestPosition);
        if (status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500)
            return new CrmTransientException($"The CRM answered {what} with {summary}.");
        return new CrmRequestException($"The CRM refused {what}: {summary}.", [.. errors.Select(error => error.Error)], status);
    }

    // Only the error codes go in a message: the CRM's own messages may quote the values sent, e-mail addresses included.
    private static string Summary(int status, IEnumerable<CrmError> errors) =>
        $"{status} {string.Join(", ", errors.Select(error => error.ErrorCode).Distinct())}";

    // Salesforce does not say when the allowance resets; the limits resource of this CRM does, and costs nothing.
    private async Task<DateTimeOffset?> ResetTime(CancellationToken cancellationToken)
    {
        try
        {
            return (await GetLimits(cancellationToken)).ResetsAt;
        }
        catch (Exception exception) when (exception is CrmTransientException or CrmRequestException or JsonException)
        {
            return null;
        }
    }

    /// <summary>The usage on this answer's Sforce-Limit-Info, also kept as <see cref="LastKnownUsage"/>.</summary>
    private CrmApiUsage? RememberUsage(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Sforce-Limit-Info", out var values))
            return null;
        CrmApiUsage? usage = null;
        foreach (var value in values)
        {
            var match = ApiUsagePattern().Match(value);
            if (match.Success)
                usage = new CrmApiUsage(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture));
        }
        if (usage is not null)
            Volatile.Write(ref _lastKnownUsage, usage);
        return usage;
    }

    private sealed record ParsedError(CrmError Error, long? OldestPosition)
    {
        public string ErrorCode => Error.ErrorCode;

        public string Message => Error.Message;
    }

    private static List<ParsedError> Errors(string text, HttpStatusCode status)
    {
        try
        {
            if (JsonNode.Parse(text) is JsonArray array)
                return [.. array.OfType<JsonObject>().Select(ToError)];
        }
        catch (JsonException)
        {
        }
        return [new ParsedError(new CrmError($"HTTP_{(int)status}", text.Length > 200 ? text[..200] : text, []), null)];
    }

    private static ParsedError ToError(JsonObject error) => new(
        new CrmError(
            (error["errorCode"] ?? error["statusCode"])?.ToString() ?? "UNKNOWN_ERROR",
            error["message"]?.ToString() ?? "",
            [.. (error["fields"] as JsonArray ?? []).Select(field => field?.ToString() ?? "")]),
        error["oldestPosition"] is JsonValue oldest && oldest.TryGetValue<long>(out var position) ? position : null);

    /// <summary>The bodies of a composite answer's subrequests, in order; a failed subrequest fails the call as a whole would.</summary>
    private IEnumerable<JsonNode?> SubrequestBodies(JsonNode? answer, string what)
    {
        foreach (var subrequest in (answer?["compositeResponse"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (SubrequestFailure(subrequest, $"A subrequest of POST {what}") is { } failure)
                throw new CrmRequestException($"A subrequest of POST {what} was refused: {failure.Summary}.", failure.Errors);
            yield return subrequest["body"];
        }
    }

    private sealed record FailedSubrequest(int Status, IReadOnlyList<CrmError> Errors, string Summary);

    /// <summary>
    /// A composite subrequest that did not succeed (null when it did): its status and errors. A 5xx throws
    /// <see cref="CrmTransientException"/> ("<paramref name="subrequestName"/> failed with ..."), as it would for the call as a whole.
    /// </summary>
    private static FailedSubrequest? SubrequestFailure(JsonObject? subrequest, string subrequestName)
    {
        var status = subrequest?["httpStatusCode"]?.GetValue<int>() ?? 500;
        if (status is >= 200 and < 300)
            return null;
        List<CrmError> errors = subrequest?["body"] is JsonArray array ? [.. array.OfType<JsonObject>().Select(error => ToError(error).Error)] : [];
        var summary = Summary(status, errors);
        if (status >= 500)
            throw new CrmTransientException($"{subrequestName} failed with {summary}.");
        return new FailedSubrequest(status, errors, summary);
    }

    private static IReadOnlyList<CrmSaveResult> SaveResults(JsonNode? answer) =>
        [.. (answer as JsonArray ?? []).OfType<JsonObject>().Select(result => new CrmSaveResult(
            result["id"]?.ToString(),
            result["success"]?.GetValue<bool>() == true,
            [.. (result["errors"] as JsonArray ?? []).OfType<JsonObject>().Select(error => ToError(error).Error)]))];

    private static JsonObject Collection(IReadOnlyList<CrmRecord> records, bool withId) => new()
    {
        ["allOrNone"] = false,
        ["records"] = new JsonArray([.. records.Select(record =>
        {
            var attributes = new JsonObject { ["type"] = record.Type.ToString() };
            var json = new JsonObject { ["attributes"] = attributes };
            if (withId)
                json[CrmFields.Id] = record.Id ?? record[CrmFields.Id];
            if (withId && record.IfUnmodifiedSince is { } readAt)
                attributes["ifUnmodifiedSince"] = readAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
            foreach (var (name, value) in record.Fields.Where(field => field.Key != CrmFields.Id))
                json[name] = value;
            return (JsonNode)json;
        })]),
    };

    private static CrmRecord? ToRecord(JsonObject json)
    {
        var typeName = (json["attributes"] as JsonObject)?["type"]?.ToString();
        if (!Enum.TryParse<CrmObjectType>(typeName, out var type) || json[CrmFields.Id]?.ToString() is not { } id)
            return null;
        var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (name, value) in json)
        {
            if (name != "attributes" && value is not JsonObject and not JsonArray)
                fields[name] = value is JsonValue scalar && scalar.GetValueKind() == JsonValueKind.String ? scalar.GetValue<string>() : value?.ToJsonString();
        }
        return new CrmRecord { Id = id, Type = type, Fields = fields };
    }

    /// <summary>SOQL queries of one object by one field, each IN list short enough for one request line.</summary>
    private static IEnumerable<string> InQueries(CrmObjectType type, string field, IEnumerable<string> values)
    {
        var list = new List<string>();
        var length = 0;
        foreach (var value in values)
        {
            var literal = $"'{value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal)}'";
            if (list.Count > 0 && (list.Count == MaxValuesPerQuery || length + Uri.EscapeDataString(literal).Length > MaxQueryLength))
            {
                yield return Query(type, field, list);
                list = [];
                length = 0;
            }
            list.Add(literal);
            length += Uri.EscapeDataString(literal).Length + 3;
        }
        if (list.Count > 0)
            yield return Query(type, field, list);
    }

    private static string Query(CrmObjectType type, string field, List<string> literals) =>
        $"SELECT FIELDS(ALL) FROM {type} WHERE {field} IN ({string.Join(",", literals)})";

    private static bool IsRecordId(string id) => RecordIdPattern().IsMatch(id);

    // An 18-character id is safe to compare without case; a 15-character one is its case-sensitive prefix.
    private static bool SameId(string asked, string found) => asked.Length == 15
        ? found.StartsWith(asked, StringComparison.Ordinal)
        : string.Equals(asked, found, StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex(@"^[A-Za-z0-9]{15}([A-Za-z0-9]{3})?$")]
    private static partial Regex RecordIdPattern();

    [GeneratedRegex(@"api-usage=(\d+)/(\d+)")]
    private static partial Regex ApiUsagePattern();
}
