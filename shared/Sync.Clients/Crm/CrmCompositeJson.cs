using System.Text.Json.Nodes;

namespace Sync.Clients.Crm;

/// <summary>Reads the answers of composite requests and sObject Collections: subrequest bodies, failures and save results.</summary>
internal static class CrmCompositeJson
{
    private sealed record FailedSubrequest(int Status, IReadOnlyList<CrmError> Errors, string Summary);

    /// <summary>The bodies of a composite answer's subrequests, in order; a failed subrequest fails the call as a whole would.</summary>
    public static IEnumerable<JsonNode?> SubrequestBodies(JsonNode? answer, string what)
    {
        foreach (var subrequest in (answer?["compositeResponse"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (SubrequestFailure(subrequest, $"A subrequest of POST {what}") is { } failure)
                throw new CrmRequestException($"A subrequest of POST {what} was refused: {failure.Summary}.", failure.Errors);
            yield return subrequest["body"];
        }
    }

    /// <summary>
    /// The answers of one write subrequest. The two subrequests of a write commit apart, so one refused as a whole fails
    /// its own records only: the other's records are saved and must be reported so. A 5xx still fails the call, since a
    /// retry finds what was saved by e-mail.
    /// </summary>
    public static IReadOnlyList<CrmSaveResult> SubrequestSaveResults(JsonObject? subrequest, int records, string what)
    {
        if (SubrequestFailure(subrequest, $"The composite write's subrequest for {what}") is not { } failure)
            return SaveResults(subrequest!["body"]);
        var refused = new CrmSaveResult(null, false,
            failure.Errors.Count > 0 ? failure.Errors : [new CrmError($"HTTP_{failure.Status}", $"The CRM refused {what} of a composite write.", [])]);
        return [.. Enumerable.Repeat(refused, records)];
    }

    public static IReadOnlyList<CrmSaveResult> SaveResults(JsonNode? answer) =>
        [.. (answer as JsonArray ?? []).OfType<JsonObject>().Select(result => new CrmSaveResult(
            result["id"]?.ToString(),
            result["success"]?.GetValue<bool>() == true,
            [.. (result["errors"] as JsonArray ?? []).OfType<JsonObject>().Select(error => CrmErrorJson.ToError(error).Error)]))];

    /// <summary>
    /// A composite subrequest that did not succeed (null when it did): its status and errors. A 5xx throws
    /// <see cref="CrmTransientException"/> ("<paramref name="subrequestName"/> failed with ..."), as it would for the call as a whole.
    /// </summary>
    private static FailedSubrequest? SubrequestFailure(JsonObject? subrequest, string subrequestName)
    {
        var status = subrequest?["httpStatusCode"]?.GetValue<int>() ?? 500;
        if (status is >= 200 and < 300)
            return null;
        List<CrmError> errors = subrequest?["body"] is JsonArray array ? [.. array.OfType<JsonObject>().Select(error => CrmErrorJson.ToError(error).Error)] : [];
        var summary = CrmErrorJson.Summary(status, errors);
        if (status >= 500)
            throw new CrmTransientException($"{subrequestName} failed with {summary}.");
        return new FailedSubrequest(status, errors, summary);
    }
}
