using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sync.CrmSimulator.Errors;
using Sync.CrmSimulator.Schema;

namespace Sync.CrmSimulator.Apis.Salesforce;

/// <summary>What the resources read from a request, refused as Salesforce refuses it when it is not there or not right.</summary>
public static class ResourceInput
{
    /// <summary>The sObject of the {type} route value; NOT_FOUND for an object the org does not have.</summary>
    public static SObjectDescribe TypeOf(SalesforceRequest request) =>
        SObjectSchema.Find(request.Route("type"))
        ?? throw new CrmApiException(404, new CrmApiError("NOT_FOUND", $"The requested resource does not exist: sObject type '{request.Route("type")}' is not supported."));

    public static JsonObject BodyObject(SalesforceRequest request) =>
        request.Body as JsonObject ?? throw new CrmApiException(400, CrmApiError.JsonParser("The request body must be a JSON object."));

    /// <summary>The record's Id: field names are case-insensitive in Salesforce's API, "id" included.</summary>
    public static string? IdOf(JsonObject record) =>
        record.FirstOrDefault(property => string.Equals(property.Key, SObjectSchema.Id, StringComparison.OrdinalIgnoreCase)).Value is JsonValue value
        && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    public static string? Text(JsonObject json, string name) =>
        json[name] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    /// <summary>A whole-number query parameter from <paramref name="min"/> to <paramref name="max"/>, or <paramref name="fallback"/> when absent.</summary>
    public static long QueryNumber(SalesforceRequest request, string name, long fallback, long min, long max)
    {
        var text = request.QueryValue(name);
        if (string.IsNullOrEmpty(text))
            return fallback;
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            throw new CrmApiException(400, new CrmApiError("INVALID_QUERY_PARAMETER", $"{name} must be a whole number from {min} to {max}.", [name]));
        return value;
    }
}
