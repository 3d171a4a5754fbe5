using System.Text.Json.Nodes;
using Sync.CrmSimulator.Apis.Salesforce;
using Sync.CrmSimulator.Errors;
using Sync.CrmSimulator.Limits;
using Sync.CrmSimulator.Org;
using Sync.CrmSimulator.Schema;
using Sync.CrmSimulator.Soql;
using Sync.CrmSimulator.Storage.Records;

namespace Sync.CrmSimulator.Reading;

/// <summary>Reads records as the API serves them: live records only, formula fields computed at read time.</summary>
public sealed class CrmReader(ICrmRecordStore store, CrmOrg org)
{
    private const int ReadChunk = 500;

    /// <summary>The live record, or the error Salesforce answers: NOT_FOUND for an unknown or deleted record.</summary>
    public async Task<StoredRecord> Live(SObjectDescribe type, string? id, CancellationToken cancellationToken)
    {
        if (!SalesforceId.TryNormalize(id, out var normalized) || SalesforceId.KeyPrefixOf(normalized) != type.KeyPrefix)
            throw new CrmApiException(404, CrmApiError.NotFound());
        var record = await store.Get(type.Name, normalized, cancellationToken);
        if (record is null || record.IsDeleted)
            throw new CrmApiException(404, CrmApiError.NotFound());
        return record;
    }

    public async Task<IReadOnlyList<StoredRecord>> LiveMany(SObjectDescribe type, IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        var found = new List<StoredRecord>();
        foreach (var chunk in ids.Chunk(ReadChunk))
            found.AddRange((await store.GetMany(type.Name, chunk, cancellationToken)).Where(record => !record.IsDeleted));
        return found;
    }

    /// <summary>What formulas need to evaluate over <paramref name="records"/>: the formula definitions and, when asked for, parent Accounts.</summary>
    public async Task<FormulaContext> FormulaContextFor(
        SObjectDescribe type, IReadOnlyCollection<StoredRecord> records, IEnumerable<FieldDescribe> fields, CancellationToken cancellationToken)
    {
        var state = await org.State(cancellationToken);
        var accounts = new Dictionary<string, IReadOnlyDictionary<string, string?>>(StringComparer.Ordinal);
        if (type == SObjectSchema.Contact && fields.Any(field => field.Name == SObjectSchema.AccountRating))
        {
            var accountIds = records.Select(record => record["AccountId"]).OfType<string>().Distinct().ToList();
            foreach (var account in await LiveMany(SObjectSchema.Account, accountIds, cancellationToken))
                accounts[account.Id] = account.Fields;
        }
        return new FormulaContext(state.ScoreBand, accounts);
    }

    public static string? Value(SObjectDescribe type, StoredRecord record, FieldDescribe field, FormulaContext formulas) =>
        field.Calculated ? formulas.Evaluate(type, field, record.Fields) : record[field.Name];

    public static string RecordUrl(SObjectDescribe type, string id) => $"{SalesforceRoute.BasePath}/sobjects/{type.Name}/{id}";

    public static JsonObject ToJson(SObjectDescribe type, StoredRecord record, IEnumerable<FieldDescribe> fields, FormulaContext formulas)
    {
        var json = new JsonObject
        {
            ["attributes"] = new JsonObject { ["type"] = type.Name, ["url"] = RecordUrl(type, record.Id) },
        };
        foreach (var field in fields)
            json[field.Name] = FieldValues.ToJson(field, Value(type, record, field, formulas));
        return json;
    }

    /// <summary>Fields named in a "fields=" parameter, or all of them.</summary>
    public static IReadOnlyList<FieldDescribe> FieldList(SObjectDescribe type, string? names)
    {
        if (string.IsNullOrWhiteSpace(names))
            return type.Fields;
        return names.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(name => type.Field(name) ?? throw new CrmApiException(400, CrmApiError.InvalidField($"No such column '{name}' on sobject of type {type.Name}", name)))
            .DistinctBy(field => field.Name)
            .ToList();
    }

    public async Task<JsonObject> Read(SObjectDescribe type, string id, string? fieldNames, CancellationToken cancellationToken)
    {
        var fields = FieldList(type, fieldNames);
        var record = await Live(type, id, cancellationToken);
        return ToJson(type, record, fields, await FormulaContextFor(type, [record], fields, cancellationToken));
    }

    public async Task<JsonObject> Query(SoqlQuery query, CancellationToken cancellationToken)
    {
        var type = query.Type;
        var records = await LiveMany(type, await CandidateIds(query, cancellationToken), cancellationToken);
        var formulaFields = query.Fields.Concat(query.Conditions.Select(condition => condition.Field));
        if (query.OrderBy is { } order)
            formulaFields = formulaFields.Append(order.Field);
        var formulas = await FormulaContextFor(type, records, formulaFields, cancellationToken);

        IEnumerable<StoredRecord> matching = records
            .Where(record => query.Conditions.All(condition => condition.Matches(Value(type, record, condition.Field, formulas))))
            .OrderBy(record => record.Id, StringComparer.Ordinal);
        if (query.OrderBy is { } orderBy)
        {
            var comparer = Comparer<string?>.Create((left, right) =>
            {
                if (left is null != right is null)
                    return (left is null) == orderBy.NullsLast ? 1 : -1;
                var compared = SoqlComparison.Compare(orderBy.Field, left, right);
                return orderBy.Descending ? -compared : compared;
            });
            matching = matching.OrderBy(record => Value(type, record, orderBy.Field, formulas), comparer);
        }
        if (query.Limit is { } limit)
            matching = matching.Take(limit);

        var rows = matching.Select(record => (JsonNode)ToJson(type, record, query.Fields, formulas)).ToList();
        return new JsonObject
        {
            ["totalSize"] = rows.Count,
            ["done"] = true,
            ["records"] = new JsonArray([.. rows]),
        };
    }

    // Narrows the records to read with an Id or indexed condition; anything else reads the whole object.
    private async Task<IReadOnlyCollection<string>> CandidateIds(SoqlQuery query, CancellationToken cancellationToken)
    {
        var selective = query.Conditions
            .Where(condition => condition.Operator is SoqlOperator.Equal or SoqlOperator.In && condition.Values.All(value => value is not null))
            .ToList();
        if (selective.FirstOrDefault(condition => condition.Field.Name == SObjectSchema.Id) is { } byId)
            return byId.Values.OfType<string>().ToList();
        if (selective.FirstOrDefault(condition => condition.Field.Indexed) is { } byIndex)
            return await store.FindIds(query.Type.Name, byIndex.Field.Name, byIndex.Values.OfType<string>().ToList(), cancellationToken);
        return await store.AllIds(query.Type.Name, cancellationToken);
    }
}
