using Sync.Contracts;

namespace Sync.ProspectEditor.Apis;

/// <summary>Creates a prospect. <c>origin</c> says who asks: User (with <c>changedBy</c>), Api (the default), or a form or program.</summary>
public sealed record CreateProspectRequest(
    string? Email = null, Dictionary<string, string?>? Fields = null, string? AssignedUser = null, ChangeOrigin? Origin = null, string? ChangedBy = null);

/// <summary>Finds the prospect with this address or creates it (what forms do).</summary>
public sealed record ResolveRequest(string? Email = null, Dictionary<string, string?>? Fields = null, ChangeOrigin? Origin = null, bool? IgnoreUnknownFields = null);

/// <summary>Sets fields: a value sets it, null clears it; fields not named are left alone.</summary>
public sealed record UpdateFieldsRequest(Dictionary<string, string?>? Fields = null, ChangeOrigin? Origin = null, string? ChangedBy = null);

/// <summary>
/// Assigns the prospect to a user; null or empty unassigns it. <c>assignedUser</c> must be given: a body without it (or with a
/// name that is not it) is refused, never read as "unassign".
/// </summary>
public sealed record AssignUserRequest(string? AssignedUser, ChangeOrigin? Origin = null, string? ChangedBy = null);

/// <summary>Adds the prospect to a CRM campaign; <c>origin</c> is the completion action, engagement program or user that does it.</summary>
public sealed record AddToCrmCampaignRequest(string? CampaignId = null, ChangeOrigin? Origin = null, string? ChangedBy = null);

/// <summary>Sets (true) or clears (false) Do Not Sync.</summary>
public sealed record DoNotSyncRequest(bool? DoNotSync = null, ChangeOrigin? Origin = null, string? ChangedBy = null);

public sealed record CreateCustomFieldRequest(string? Name = null, string? Label = null);

/// <summary>What creating a custom field did: it changes no prospect and publishes nothing, by the named rule.</summary>
public sealed record CustomFieldCreated(string Name, string? Label, DateTimeOffset CreatedAt, int ProspectsChanged, bool EventPublished, string SyncRule, string Explanation);

/// <summary>An automation rule as submitted: <c>match</c> is all or any; operators equals, contains, greaterThan, isEmpty;
/// actions setField (field, value), assignUser (user), addToCrmCampaign (campaignId), setDoNotSync.</summary>
public sealed record CreateAutomationRuleRequest(
    string? Name = null, string? Match = null, List<CriterionRequest?>? Criteria = null, List<ActionRequest?>? Actions = null);

public sealed record CriterionRequest(string? Field = null, string? Operator = null, string? Value = null);

public sealed record ActionRequest(string? Type = null, string? Field = null, string? Value = null, string? User = null, string? CampaignId = null);
