using System.Text.Json.Nodes;
using Sync.CrmSimulator.Schema;

namespace Sync.CrmSimulator.Errors;

/// <summary>
/// An error as Salesforce words it: a code a program can switch on, a message a person can read, and the fields at fault.
/// Request-level errors travel as <c>[{"message","errorCode","fields"}]</c>; a record's error inside a collection answer as
/// <c>{"statusCode","message","fields"}</c>.
/// </summary>
public sealed record CrmApiError(string ErrorCode, string Message, IReadOnlyList<string> Fields)
{
    public CrmApiError(string errorCode, string message)
        : this(errorCode, message, [])
    {
    }

    public static CrmApiError NotFound() => new("NOT_FOUND", "The requested resource does not exist");

    public static CrmApiError EntityIsDeleted() => new("ENTITY_IS_DELETED", "entity is deleted");

    public static CrmApiError RequiredFieldMissing(IReadOnlyList<string> fields) =>
        new("REQUIRED_FIELD_MISSING", $"Required fields are missing: [{string.Join(", ", fields)}]", fields);

    public static CrmApiError InvalidField(string message, params string[] fields) => new("INVALID_FIELD", message, fields);

    public static CrmApiError NotWritable(IReadOnlyList<string> fields) =>
        new("INVALID_FIELD_FOR_INSERT_UPDATE",
            $"Unable to create/update fields: {string.Join(", ", fields)}. They are calculated, system-maintained or not updateable.", fields);

    public static CrmApiError InvalidEmail(string field, string value) =>
        new("INVALID_EMAIL_ADDRESS", $"{field}: invalid email address: {value}", [field]);

    public static CrmApiError WrongType(string field, string value) =>
        new("INVALID_TYPE_ON_FIELD_IN_RECORD", $"{field}: value not of required type: {value}", [field]);

    public static CrmApiError TooLong(string field, int maxLength) =>
        new("STRING_TOO_LONG", $"{field}: data value too large (max length={maxLength})", [field]);

    public static CrmApiError MalformedId(string field, string value) =>
        new("MALFORMED_ID", $"{field}: id value of incorrect type: {value}", [field]);

    public static CrmApiError InvalidCrossReference(string field) =>
        new("INVALID_CROSS_REFERENCE_KEY", $"{field}: invalid cross reference id", [field]);

    public static CrmApiError MalformedQuery(string message) => new("MALFORMED_QUERY", message);

    public static CrmApiError JsonParser(string message) => new("JSON_PARSER_ERROR", message);

    public static CrmApiError InvalidSession() => new("INVALID_SESSION_ID", "Session expired or invalid");

    public static CrmApiError TotalRequestsExceeded() => new("REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.");

    public static CrmApiError ConcurrentRequestsExceeded() =>
        new("REQUEST_LIMIT_EXCEEDED", "ConcurrentRequests Limit exceeded: too many requests are running at once; retry shortly.");

    public static CrmApiError ServerUnavailable(string message) => new("SERVER_UNAVAILABLE", message);

    public static CrmApiError UnableToLockRow() =>
        new("UNABLE_TO_LOCK_ROW", "unable to obtain exclusive access to this record; other requests kept changing it");

    public static CrmApiError ModifiedSince(DateTimeOffset readAt, DateTimeOffset lastModified) =>
        new("PRECONDITION_FAILED",
            $"The record was modified at {FieldValues.FormatDateTime(lastModified)}, after {FieldValues.FormatDateTime(readAt)} (ifUnmodifiedSince); read it again before saving.");

    public static CrmApiError RolledBack() =>
        new("ALL_OR_NONE_OPERATION_ROLLED_BACK", "Record rolled back because not all records were valid and the request was using AllOrNone header");

    /// <summary>A subrequest of an all-or-none composite request that is not applied because another one failed.</summary>
    public static CrmApiError ProcessingHalted() =>
        new("PROCESSING_HALTED", "The transaction was rolled back since another operation in the same transaction failed.");

    public static CrmApiError ConvertedLead() =>
        new("CANNOT_UPDATE_CONVERTED_LEAD", "cannot reference converted lead");

    public JsonObject ToRequestError() => new()
    {
        ["message"] = Message,
        ["errorCode"] = ErrorCode,
        ["fields"] = new JsonArray([.. Fields.Select(field => JsonValue.Create(field))]),
    };

    public JsonObject ToRecordError() => new()
    {
        ["statusCode"] = ErrorCode,
        ["message"] = Message,
        ["fields"] = new JsonArray([.. Fields.Select(field => JsonValue.Create(field))]),
    };
}
