using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sync.Contracts;

namespace Sync.Clients.Crm;

/// <summary>Records to and from the CRM's JSON: sObject Collections to write, query results read, the limits resource.</summary>
internal static class CrmRecordJson
{
    public static JsonObject Collection(IReadOnlyList<CrmRecord> records, bool withId) => new()
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

    public static CrmRecord? ToRecord(JsonObject json)
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

    public static CrmLimits Limits(JsonNode? answer)
    {
        var daily = answer?["DailyApiRequests"] as JsonObject
            ?? throw new CrmRequestException("The CRM's limits resource has no DailyApiRequests.", []);
        var max = daily["Max"]?.GetValue<int>() ?? 0;
        var remaining = daily["Remaining"]?.GetValue<int>() ?? 0;
        var resetsAt = daily["ResetsAt"] is JsonValue reset && DateTimeOffset.TryParse(reset.ToString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
            ? parsed
            : (DateTimeOffset?)null;
        return new CrmLimits(new CrmApiUsage(max - remaining, max), resetsAt);
    }
}
