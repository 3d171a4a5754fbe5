using System.Text.Json.Serialization;

namespace Sync.SyncWorker.Options;

/// <summary>Which value a sync keeps when the prospect and its CRM record disagree. A blank never overwrites a value, whichever the rule.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SyncBehavior>))]
public enum SyncBehavior
{
    /// <summary>The CRM's value wins.</summary>
    UseCrmValue,

    /// <summary>The marketing (prospect) value wins.</summary>
    UseMarketingValue,

    /// <summary>The side changed last wins: the prospect's UpdatedAt against the record's LastModifiedDate (the CRM on a tie).</summary>
    UseMostRecentlyUpdated,
}
