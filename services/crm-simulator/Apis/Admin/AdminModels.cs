using Sync.CrmSimulator.Faults;
using Sync.CrmSimulator.Schema;
using Sync.CrmSimulator.Users;

namespace Sync.CrmSimulator.Apis.Admin;

// The bodies the admin API takes and answers.

public sealed record LimitsChange(int? DailyApiRequests = null, int? Used = null, int? MaxConcurrentRequests = null);

public sealed record ClockChange(TimeSpan Offset);

public sealed record ClockAdvance(TimeSpan By);

public sealed record ClockState(DateTimeOffset Now, TimeSpan Offset);

public sealed record LimitsState(int DailyApiRequests, int Used, int Remaining, DateTimeOffset ResetsAt, int MaxConcurrentRequests, int InFlight);

public sealed record FeedState(long Head, long Floor, int RetainedEntries);

public sealed record FormulaEdited(ScoreBandFormula ScoreBand, int RecalculatedRecords);

public sealed record AdminState(ClockState Clock, LimitsState Limits, FaultSettings Faults, ScoreBandFormula ScoreBand, FeedState Feed, IReadOnlyList<CrmUser> Users);

/// <summary>Converts a Lead as <paramref name="AsUser"/> would in the CRM's own screens (Salesforce offers no REST resource for it).</summary>
public sealed record LeadConversionRequest(string? AsUser, string? AccountId = null, string? ContactId = null, string? ConvertedStatus = null,
    string? OwnerId = null);

public sealed record LeadConverted(string LeadId, string ContactId, string AccountId);

/// <summary>Restores a deleted record as <paramref name="AsUser"/> would from the Recycle Bin.</summary>
public sealed record UndeleteRequest(string? AsUser);

public sealed record RecordRestored(string Id);
