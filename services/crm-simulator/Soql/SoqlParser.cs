using System.Globalization;
using Sync.CrmSimulator.Errors;
using Sync.CrmSimulator.Schema;

namespace Sync.CrmSimulator.Soql;

/// <summary>
/// Parses the SOQL subset this CRM answers, and says plainly what is outside it:
/// <c>SELECT f1, f2 | FIELDS(ALL|STANDARD|CUSTOM) FROM Object [WHERE f = 'v' | f != 'v' | f IN ('a','b') | f NOT IN (...)
/// [AND ...]] [ORDER BY f [ASC|DESC] [NULLS FIRST|LAST]] [LIMIT n]</c>. Keywords in any case; literals are quoted strings
/// (with \' and \\ escapes), numbers, TRUE, FALSE and NULL. The tokens come from <see cref="SoqlLexer"/>; this is the grammar.
/// </summary>
public sealed class SoqlParser
{
    public const string Grammar =
        "This CRM answers SELECT <fields> | FIELDS(ALL|STANDARD|CUSTOM) FROM <object> [WHERE <field> = <value> | <field> != <value> | " +
        "<field> [NOT] IN (<values>) [AND ...]] [ORDER BY <field> [ASC|DESC] [NULLS FIRST|LAST]] [LIMIT <n>].";

    private readonly List<SoqlToken> _tokens;
    private int _next;

    private SoqlParser(List<SoqlToken> tokens) => _tokens = tokens;

    public static SoqlQuery Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            throw Malformed("The q parameter is missing: send a query such as SELECT Id FROM Lead.");
        return new SoqlParser(SoqlLexer.Tokenize(text)).Query();
    }

    public static CrmApiException Malformed(string message) => new(400, CrmApiError.MalformedQuery(message));

    private SoqlToken Peek => _tokens[_next];

    private SoqlQuery Query()
    {
        Expect("SELECT");
        var selected = SelectList();
        Expect("FROM");
        var typeName = Word("an object name after FROM");
        var type = SObjectSchema.Find(typeName)
            ?? throw new CrmApiException(400, new CrmApiError("INVALID_TYPE", $"sObject type '{typeName}' is not supported."));

        var fields = selected.Wildcard switch
        {
            "ALL" => type.Fields.ToList(),
            "STANDARD" => type.Fields.Where(field => !field.Custom).ToList(),
            "CUSTOM" => type.Fields.Where(field => field.Custom).ToList(),
            _ => selected.Names.Select(name => FieldOf(type, name)).DistinctBy(field => field.Name).ToList(),
        };

        var conditions = new List<SoqlCondition>();
        if (Accept("WHERE"))
        {
            do
                conditions.Add(Condition(type));
            while (Accept("AND"));
        }

        SoqlOrder? order = null;
        if (Accept("ORDER"))
        {
            Expect("BY");
            var field = FieldOf(type, Word("a field after ORDER BY"));
            var descending = Accept("DESC");
            if (!descending)
                Accept("ASC");
            // Salesforce puts nulls first in ascending order and last in descending order unless told otherwise.
            var nullsLast = descending;
            if (Accept("NULLS"))
            {
                if (Accept("LAST"))
                    nullsLast = true;
                else if (Accept("FIRST"))
                    nullsLast = false;
                else
                    throw Unexpected();
            }
            order = new SoqlOrder(field, descending, nullsLast);
        }

        int? limit = null;
        if (Accept("LIMIT"))
        {
            if (Peek.Kind != SoqlTokenKind.Number || !int.TryParse(Peek.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
                throw Malformed($"LIMIT must be followed by a whole number, not {Peek}.");
            _next++;
            limit = value;
        }
        Accept(";");
        if (Peek.Kind != SoqlTokenKind.End)
            throw Unexpected();
        return new SoqlQuery(type, fields, conditions, order, limit);
    }

    private (string? Wildcard, List<string> Names) SelectList()
    {
        if (Peek.Is("FIELDS") && _tokens[_next + 1].Is("("))
        {
            _next += 2;
            var kind = Word("ALL, STANDARD or CUSTOM inside FIELDS()").ToUpperInvariant();
            if (kind is not ("ALL" or "STANDARD" or "CUSTOM"))
                throw Malformed($"FIELDS() takes ALL, STANDARD or CUSTOM, not '{kind}'.");
            Expect(")");
            return (kind, []);
        }

        var names = new List<string>();
        do
        {
            if (Peek.Is("("))
                throw Malformed($"Subqueries are not supported. {Grammar}");
            if (Peek.Is("*"))
                throw Malformed("unexpected token: '*'. SOQL names its fields; use FIELDS(ALL) for every field.");
            names.Add(Word("a field name"));
            if (Peek.Is("("))
                throw Malformed($"Functions such as {names[^1]}() are not supported. {Grammar}");
        }
        while (Accept(","));
        return (null, names);
    }

    private SoqlCondition Condition(SObjectDescribe type)
    {
        if (Peek.Is("("))
            throw Malformed($"Parentheses in WHERE are not supported. {Grammar}");
        if (Peek.Is("NOT"))
            throw Malformed($"NOT before a condition is not supported. {Grammar}");
        var field = FieldOf(type, Word("a field name in WHERE"));
        if (Accept("="))
            return new SoqlCondition(field, SoqlOperator.Equal, [Literal(field)]);
        if (Accept("!=") || Accept("<>"))
            return new SoqlCondition(field, SoqlOperator.NotEqual, [Literal(field)]);
        var negated = Accept("NOT");
        if (Accept("IN"))
        {
            Expect("(");
            if (Peek.Is("SELECT"))
                throw Malformed($"Semi-join subqueries are not supported. {Grammar}");
            var values = new List<string?>();
            do
                values.Add(Literal(field));
            while (Accept(","));
            Expect(")");
            return new SoqlCondition(field, negated ? SoqlOperator.NotIn : SoqlOperator.In, values);
        }
        if (Peek.Is("<") || Peek.Is(">") || Peek.Is("<=") || Peek.Is(">=") || Peek.Is("LIKE") || Peek.Is("INCLUDES") || Peek.Is("EXCLUDES"))
            throw Malformed($"The operator {Peek} is not supported. {Grammar}");
        throw Unexpected();
    }

    private string? Literal(FieldDescribe field)
    {
        var token = Peek;
        _next++;
        if (token.Is("NULL"))
            return null;
        if (field.Kind == FieldKind.Boolean)
        {
            if (token.Is("TRUE"))
                return "true";
            if (token.Is("FALSE"))
                return "false";
            throw Malformed($"{field.Name} is a checkbox: compare it with TRUE or FALSE, not {token}.");
        }
        if (field.Kind == FieldKind.Number)
        {
            if (token.Kind != SoqlTokenKind.Number || !decimal.TryParse(token.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                throw new CrmApiException(400, new CrmApiError("INVALID_QUERY_FILTER_OPERATOR", $"{field.Name} is a number: compare it with a number, not {token}."));
            return number.ToString("0.############################", CultureInfo.InvariantCulture);
        }
        if (token.Kind != SoqlTokenKind.Text)
            throw Malformed($"Expected a quoted value for {field.Name}, found {token}. {Grammar}");
        if (field.Kind is FieldKind.Id or FieldKind.Reference)
        {
            if (!SalesforceId.TryNormalize(token.Value, out var id))
                throw new CrmApiException(400, new CrmApiError("INVALID_QUERY_FILTER_OPERATOR", $"invalid ID field: {token.Value}"));
            return id;
        }
        if (field.Kind is FieldKind.Date or FieldKind.DateTime)
            throw Malformed($"Filters on the date field {field.Name} are not supported. {Grammar}");
        return SoqlComparison.Form(field, token.Value);
    }

    private static FieldDescribe FieldOf(SObjectDescribe type, string name)
    {
        if (name.Contains('.', StringComparison.Ordinal))
            throw new CrmApiException(400, CrmApiError.InvalidField($"Relationship fields such as '{name}' are not supported. {Grammar}"));
        return type.Field(name) ?? throw new CrmApiException(400, CrmApiError.InvalidField(
            $"No such column '{name}' on entity '{type.Name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name."));
    }

    private string Word(string expected)
    {
        if (Peek.Kind != SoqlTokenKind.Word)
            throw Malformed($"Expected {expected}, found {Peek}. {Grammar}");
        return _tokens[_next++].Value;
    }

    private bool Accept(string keyword)
    {
        if (!Peek.Is(keyword))
            return false;
        _next++;
        return true;
    }

    private void Expect(string keyword)
    {
        if (!Accept(keyword))
            throw Malformed($"Expected {keyword}, found {Peek}. {Grammar}");
    }

    private CrmApiException Unexpected() => Malformed($"unexpected token: {Peek}. {Grammar}");
}
