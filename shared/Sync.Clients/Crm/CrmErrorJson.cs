using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sync.Clients.Crm;

/// <summary>A Salesforce-style error as the CRM answers it, with the oldest feed position a REPLAY_ID_EXPIRED names.</summary>
internal sealed record ParsedCrmError(CrmError Error, long? OldestPosition)
{
    public string ErrorCode => Error.ErrorCode;

    public string Message => Error.Message;
}

/// <summary>Reads the CRM's error answers: a JSON array of Salesforce-style errors, or anything else in words.</summary>
internal static class CrmErrorJson
{
    public static List<ParsedCrmError> Errors(string text, HttpStatusCode status)
    {
        try
        {
            if (JsonNode.Parse(text) is JsonArray array)
                return [.. array.OfType<JsonObject>().Select(ToError)];
        }
        catch (JsonException)
        {
        }
        return [new ParsedCrmError(new CrmError($"HTTP_{(int)status}", text.Length > 200 ? text[..200] : text, []), null)];
    }

    public static ParsedCrmError ToError(JsonObject error) => new(
        new CrmError(
            (error["errorCode"] ?? error["statusCode"])?.ToString() ?? "UNKNOWN_ERROR",
            error["message"]?.ToString() ?? "",
            [.. (error["fields"] as JsonArray ?? []).Select(field => field?.ToString() ?? "")]),
        error["oldestPosition"] is JsonValue oldest && oldest.TryGetValue<long>(out var position) ? position : null);

    // Only the error codes go in a message: the CRM's own messages may quote the values sent, e-mail addresses included.
    public static string Summary(int status, IEnumerable<CrmError> errors) =>
        $"{status} {string.Join(", ", errors.Select(error => error.ErrorCode).Distinct())}";
}
