using Sync.ServiceDefaults.Http;

namespace Sync.ProspectEditor.Prospects;

/// <summary>
/// The limits every value bound for a prospect is held to, whichever way it comes in: the API, a CSV import, an automation
/// rule, a sync's write-back. Each check returns what is wrong, for the caller to report under its member, column or
/// action, or null when the value is fine.
/// </summary>
public static class ProspectValues
{
    public const int MaxFieldValueLength = 4000;

    /// <summary>A user id, a CRM campaign or record id, a "changed by": names, not text.</summary>
    public const int MaxIdLength = 200;

    public static string? FieldValue(string? value) =>
        value is { Length: > MaxFieldValueLength } ? $"A value is at most {MaxFieldValueLength} characters." : null;

    public static string? User(string? user) =>
        user is { Length: > MaxIdLength } ? $"A user id is at most {MaxIdLength} characters." : null;

    public static string? CampaignId(string? campaignId) =>
        string.IsNullOrWhiteSpace(campaignId) ? "The CRM campaign id is required."
        : campaignId.Length > MaxIdLength ? $"A CRM campaign id is at most {MaxIdLength} characters."
        : null;

    public static string? CrmRecordId(string? recordId) =>
        recordId is { Length: > MaxIdLength } ? $"A CRM record id is at most {MaxIdLength} characters." : null;

    /// <summary>Who made a change, as carried into every event it publishes.</summary>
    public static string? ChangedBy(string? changedBy) =>
        changedBy is { Length: > MaxIdLength } ? $"At most {MaxIdLength} characters." : null;

    /// <summary>Adds <paramref name="problem"/> under <paramref name="member"/> when there is one.</summary>
    public static RequestValidation Report(this RequestValidation validation, string member, string? problem) =>
        problem is null ? validation : validation.Add(member, problem);
}
