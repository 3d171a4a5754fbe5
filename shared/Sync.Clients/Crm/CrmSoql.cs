using System.Text.RegularExpressions;
using Sync.Contracts;

namespace Sync.Clients.Crm;

/// <summary>The SOQL a lookup asks: IN queries short enough for one request line, and how record ids compare.</summary>
internal static partial class CrmSoql
{
    private const int MaxValuesPerQuery = 200;

    // Salesforce refuses request lines much longer than this; a query's IN list is split to stay under it.
    private const int MaxQueryLength = 6_000;

    /// <summary>SOQL queries of one object by one field, each IN list short enough for one request line.</summary>
    public static IEnumerable<string> InQueries(CrmObjectType type, string field, IEnumerable<string> values)
    {
        var list = new List<string>();
        var length = 0;
        foreach (var value in values)
        {
            var literal = $"'{value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal)}'";
            if (list.Count > 0 && (list.Count == MaxValuesPerQuery || length + Uri.EscapeDataString(literal).Length > MaxQueryLength))
            {
                yield return Query(type, field, list);
                list = [];
                length = 0;
            }
            list.Add(literal);
            length += Uri.EscapeDataString(literal).Length + 3;
        }
        if (list.Count > 0)
            yield return Query(type, field, list);
    }

    private static string Query(CrmObjectType type, string field, List<string> literals) =>
        $"SELECT FIELDS(ALL) FROM {type} WHERE {field} IN ({string.Join(",", literals)})";

    public static bool IsRecordId(string id) => RecordIdPattern().IsMatch(id);

    // An 18-character id is safe to compare without case; a 15-character one is its case-sensitive prefix.
    public static bool SameId(string asked, string found) => asked.Length == 15
        ? found.StartsWith(asked, StringComparison.Ordinal)
        : string.Equals(asked, found, StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex(@"^[A-Za-z0-9]{15}([A-Za-z0-9]{3})?$")]
    private static partial Regex RecordIdPattern();
}
