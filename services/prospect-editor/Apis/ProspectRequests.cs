using Sync.Contracts;

namespace Sync.ProspectEditor.Apis;

/// <summary>Creates a prospect. <c>origin</c> says who asks: User (with <c>changedBy</c>), Api (the default), or a form or program.</summary>
public sealed record CreateProspectRequest(
    string? Email, Dictionary<string, string?>? Fields, string? AssignedUser, ChangeOrigin? Origin, string? ChangedBy);

/// <summary>Finds the prospect with this address or creates it (what forms do).</summary>
public sealed record ResolveRequest(string? Email, Dictionary<string, string?>? Fields, ChangeOrigin? Origin, bool? IgnoreUnknownFields);

/// <summary>Sets fields: a value sets it, null clears it; fields not named are left alone.</summary>
public sealed record UpdateFieldsRequest(Dictionary<string, string?>? Fields, ChangeOrigin? Origin, string? ChangedBy);

/// <summary>Assigns the prospect to a user; null or empty unassigns it.</summary>
public sealed record AssignUserRequest(string? AssignedUser, ChangeOrigin? Origin, string? ChangedBy);

/// <summary>Adds the prospect to a CRM campaign; <c>origin</c> is the completion action, engagement program or user that does it.</summary>
public sealed record AddToCrmCampaignRequest(string? CampaignId, ChangeOrigin? Origin, string? ChangedBy);

/// <summary>Sets (true) or clears (false) Do Not Sync.</summary>
public sealed record DoNotSyncRequest(bool? DoNotSync, ChangeOrigin? Origin, string? ChangedBy);

public sealed record CreateCustomFieldRequest(string? Name, string? Label);

/// <summary>What creating a custom field did: it changes no prospect and publishes nothing, by the named rule.</summary>
public sealed record CustomFieldCreated(string Name, string? Label, DateTimeOffset CreatedAt, int ProspectsChanged, bool EventPublished, string SyncRule, string Explanation);

/// <summary>An automation rule as submitted: <c>match</c> is all or any; operators equals, contains, greaterThan, isEmpty;
/// actions setField (field, value), assignUser (user), addToCrmCampaign (campaignId), setDoNotSync.</summary>
public sealed record CreateAutomationRuleRequest(string? Name, string? Match, List<CriterionRequest?>? Criteria, List<ActionRequest?>? Actions);

public sealed record CriterionRequest(string? Field, string? Operator, string? Value);

public sealed record ActionRequest(string? Type, string? Field, string? Value, string? User, string? CampaignId);
