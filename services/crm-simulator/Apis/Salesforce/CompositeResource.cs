using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using StackExchange.Redis;
using Sync.CrmSimulator.Errors;
using Sync.CrmSimulator.Users;
using static Sync.CrmSimulator.Apis.Salesforce.ResourceInput;

namespace Sync.CrmSimulator.Apis.Salesforce;

/// <summary>
/// POST composite: up to 25 subrequests in one call, charged once, run in order through <see cref="SalesforceRoute"/>'s
/// table; a subrequest may use an earlier one's answer through "@{referenceId.path}" (<see cref="CompositeReferences"/>).
/// allOrNone is honoured when every subrequest reads (GET); writes that must succeed or fail together belong in
/// composite/sobjects with allOrNone.
/// </summary>
public sealed partial class CompositeResource(IServiceProvider services)
{
    public const int MaxCompositeSubrequests = 25;

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

    private async Task<SalesforceResult> Run(Subrequest subrequest, CrmUser user, List<(string ReferenceId, SalesforceResult Result)> earlier, CancellationToken cancellationToken)
    {
        try
        {
            var url = CompositeReferences.Substitute(subrequest.Url, earlier);
            var body = subrequest.Body is null ? null : CompositeReferences.SubstituteIn(subrequest.Body.DeepClone(), earlier);
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
            return await match.Route.Handle(services, new SalesforceRequest(user, match.Values, query, body), cancellationToken);
        }
        catch (CrmApiException exception)
        {
            return SalesforceResult.Error(exception.Status, exception.Error);
        }
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
        if (referenceId is null || !CompositeReferences.IsReferenceId(referenceId))
            throw new CrmApiException(400, new CrmApiError("INVALID_INPUT", $"compositeRequest[{index}].referenceId is required: letters, digits and underscores, starting with a letter.", ["referenceId"]));
        return new Subrequest(method, url, referenceId, json["body"]);
    }

    private sealed record Subrequest(string Method, string Url, string ReferenceId, JsonNode? Body);

    [GeneratedRegex(@"^/services/data/v\d+\.\d+/", RegexOptions.IgnoreCase)]
    private static partial Regex VersionedPath();
}
