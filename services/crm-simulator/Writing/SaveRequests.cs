using System.Text.Json.Nodes;
using Sync.CrmSimulator.Schema;

namespace Sync.CrmSimulator.Writing;

/// <summary>A record to create, with the fields a caller sent.</summary>
public sealed record NewRecord(SObjectDescribe Type, JsonObject Fields);

/// <summary>
/// A change to one record. With <paramref name="IfUnmodifiedSince"/> (the LastModifiedDate the caller read) it is saved only
/// if nobody changed the record since, so a writer that merged what it read never overwrites a newer edit unseen.
/// </summary>
public sealed record RecordChange(SObjectDescribe Type, string? Id, JsonObject Fields, DateTimeOffset? IfUnmodifiedSince = null);

/// <summary>A record to delete: its id and, when the caller named it, its object (a delete collection names only ids).</summary>
public sealed record RecordDeletion(SObjectDescribe? Type, string Id);

/// <summary>What convertLead takes besides the Lead: an existing Account or Contact, the converted status, a new owner.</summary>
public sealed record LeadConversion(string? AccountId, string? ContactId, string? ConvertedStatus, string? OwnerId);
