using System.Text.Json.Nodes;
using Sync.CrmSimulator.Writing;

namespace Sync.CrmSimulator.Apis.Salesforce;

/// <summary>How the resources answer a save: Salesforce's save result per record, and the error array of a failed one.</summary>
public static class SaveAnswers
{
    /// <summary>{"id","success","errors"}, the body of a create and each entry of a collection's answer.</summary>
    public static JsonObject SaveResult(SaveOutcome outcome) => new()
    {
        ["id"] = outcome.Id,
        ["success"] = outcome.Success,
        ["errors"] = new JsonArray([.. outcome.Errors.Select(error => (JsonNode)error.ToRecordError())]),
    };

    public static SalesforceResult Collection(IEnumerable<SaveOutcome> outcomes) =>
        SalesforceResult.Ok(new JsonArray([.. outcomes.Select(outcome => (JsonNode)SaveResult(outcome))]));

    /// <summary>A single record's failed save: 404 when the record is missing or deleted, 400 for anything else.</summary>
    public static SalesforceResult Failed(SaveOutcome outcome) =>
        SalesforceResult.Error(outcome.Errors.Any(error => error.ErrorCode is "NOT_FOUND" or "ENTITY_IS_DELETED") ? 404 : 400, [.. outcome.Errors]);
}
