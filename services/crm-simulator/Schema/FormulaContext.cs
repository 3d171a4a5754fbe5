namespace Sync.CrmSimulator.Schema;

/// <summary>
/// Formula fields, computed each time a record is read from the stored fields (and, for Account_Rating__c, the parent
/// Account). They are never stored, so nothing they depend on can move a record's LastModifiedDate.
/// </summary>
public sealed class FormulaContext(ScoreBandFormula scoreBand, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string?>> accounts)
{
    public ScoreBandFormula ScoreBand { get; } = scoreBand;

    public string? Evaluate(SObjectDescribe type, FieldDescribe field, IReadOnlyDictionary<string, string?> fields) => field.Name switch
    {
        "Name" when type == SObjectSchema.Lead || type == SObjectSchema.Contact =>
            string.Join(' ', new[] { fields.GetValueOrDefault("FirstName"), fields.GetValueOrDefault("LastName") }.Where(part => !string.IsNullOrEmpty(part))),
        SObjectSchema.ScoreBand => ScoreBand.Band(fields.GetValueOrDefault(SObjectSchema.Score)),
        SObjectSchema.AccountRating => fields.GetValueOrDefault("AccountId") is { } accountId && accounts.TryGetValue(accountId, out var account)
            ? account.GetValueOrDefault("Rating")
            : null,
        _ => null,
    };
}
