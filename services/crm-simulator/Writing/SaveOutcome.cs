
using Sync.CrmSimulator.Errors;

namespace Sync.CrmSimulator.Writing;

/// <summary>One record's answer in a save: its id, or why it was not saved.</summary>
public sealed record SaveOutcome(string? Id, IReadOnlyList<CrmApiError> Errors)
{
    public bool Success => Errors.Count == 0;

    public static SaveOutcome Saved(string id) => new(id, []);

    public static SaveOutcome Failed(string? id, params CrmApiError[] errors) => new(id, errors);
}

/// <summary>The records a Lead conversion left: the Lead, its Contact and its Account.</summary>
public sealed record ConversionOutcome(string LeadId, string ContactId, string AccountId);
