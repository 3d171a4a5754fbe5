using System.Globalization;
using Sync.Contracts;

namespace Sync.Clients.Crm;

/// <summary>
/// A Lead, Contact or Account as the CRM's REST API serves it, its fields by API name (FirstName, Email, OwnerId,
/// LastModifiedDate, IsConverted, ConvertedContactId, ProspectId__c, ...). Values travel as strings; dates in ISO 8601.
/// </summary>
public sealed record CrmRecord
{
    public string? Id { get; init; }

    public required CrmObjectType Type { get; init; }

    public IReadOnlyDictionary<string, string?> Fields { get; init; } = new Dictionary<string, string?>();

    /// <summary>
    /// On an update, the record's LastModifiedDate as the writer read it: the CRM refuses the update with
    /// <see cref="CrmErrorCodes.PreconditionFailed"/> when someone changed the record since, instead of overwriting them.
    /// </summary>
    public DateTimeOffset? IfUnmodifiedSince { get; init; }

    public string? this[string field] => Fields.TryGetValue(field, out var value) ? value : null;

    public string? Email => this[CrmFields.Email];

    public DateTimeOffset? LastModifiedDate =>
        this[CrmFields.LastModifiedDate] is { } text ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture) : null;

    /// <summary>For a Lead converted in the CRM: the Contact it became.</summary>
    public string? ConvertedContactId => this[CrmFields.ConvertedContactId];
}

/// <summary>
/// Everything one batch needs to find its prospects' CRM records, asked in one API call: records by id (a prospect's known
/// CRM record) and by e-mail (Contacts and Leads).
/// </summary>
public sealed record CrmLookup
{
    public IReadOnlyList<string> LeadIds { get; init; } = [];

    public IReadOnlyList<string> ContactIds { get; init; } = [];

    public IReadOnlyList<string> Emails { get; init; } = [];
}

public sealed record CrmLookupResult
{
    /// <summary>Leads found by id or by e-mail (each once).</summary>
    public IReadOnlyList<CrmRecord> Leads { get; init; } = [];

    /// <summary>Contacts found by id or by e-mail (each once).</summary>
    public IReadOnlyList<CrmRecord> Contacts { get; init; } = [];

    /// <summary>Ids asked for that the CRM no longer has: deleted records.</summary>
    public IReadOnlyList<string> MissingIds { get; init; } = [];

    /// <summary>The usage the CRM reported on the answer to this lookup (its last answer, when it took several).</summary>
    public CrmApiUsage? Usage { get; init; }
}

/// <summary>The CRM's answer for one record of a batch write, in the order the records were sent.</summary>
public sealed record CrmSaveResult(string? Id, bool Success, IReadOnlyList<CrmError> Errors);

/// <summary>A Salesforce-style error: a code such as REQUIRED_FIELD_MISSING or ENTITY_IS_DELETED, a message and the fields at fault.</summary>
public sealed record CrmError(string ErrorCode, string Message, IReadOnlyList<string> Fields);

public sealed record CrmWriteResult(IReadOnlyList<CrmSaveResult> Created, IReadOnlyList<CrmSaveResult> Updated)
{
    /// <summary>The usage the CRM reported on the answer to this write.</summary>
    public CrmApiUsage? Usage { get; init; }
}

/// <summary>The daily API allowance, as the CRM reports it (Sforce-Limit-Info, or the limits resource).</summary>
public sealed record CrmApiUsage(int Used, int Limit)
{
    public int Remaining => Math.Max(0, Limit - Used);
}

public sealed record CrmLimits(CrmApiUsage DailyApiRequests, DateTimeOffset? ResetsAt);

/// <summary>One committed change from the CRM's change feed, in the style of Change Data Capture.</summary>
public sealed record CrmChange
{
    /// <summary>The change's position in the feed: strictly increasing, the replay id to resume after.</summary>
    public required long Position { get; init; }

    public required CrmObjectType ObjectType { get; init; }

    public required string RecordId { get; init; }

    /// <summary>CREATE, UPDATE, DELETE or UNDELETE.</summary>
    public required string ChangeType { get; init; }

    public IReadOnlyList<string> ChangedFields { get; init; } = [];

    /// <summary>The CRM user whose transaction committed the change.</summary>
    public required string CommitUser { get; init; }

    public required DateTimeOffset CommitTimestamp { get; init; }

    /// <summary>The record's LastModifiedDate after the change; unchanged for a formula recalculation.</summary>
    public DateTimeOffset? LastModifiedDate { get; init; }

    /// <summary>True when the change moved LastModifiedDate.</summary>
    public bool LastModifiedDateMoved { get; init; }

    /// <summary>The record's e-mail and prospect id at commit, so the listener can find the prospect without another call.</summary>
    public string? Email { get; init; }

    public long? ProspectId { get; init; }
}

public sealed record CrmChangePage(IReadOnlyList<CrmChange> Changes, long HeadPosition);
