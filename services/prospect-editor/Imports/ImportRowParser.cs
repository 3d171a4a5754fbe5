using Sync.Clients.ProspectEditor;
using Sync.ProspectEditor.Prospects;

namespace Sync.ProspectEditor.Imports;

/// <summary>A row ready to write: the prospect's normalised address, the fields it sets, and the user it assigns, if any.</summary>
public sealed record ImportRow(long Line, string Email, IReadOnlyDictionary<string, string?> Values, string? AssignedUser);

/// <summary>What a record parsed into: a row to write, or why it is rejected.</summary>
public sealed record ParsedRow(ImportRow? Row, ImportRowError? Rejection)
{
    public static ParsedRow Rejected(long line, string? column, string reason) => new(null, new ImportRowError(line, column, reason));
}

/// <summary>
/// Turns a record of the file into a row by the header's columns, each value held to the limits of
/// <see cref="ProspectValues"/>. A record is rejected whole, naming its first bad column, so no row is half-imported.
/// </summary>
public sealed class ImportRowParser(IReadOnlyList<ImportColumn> columns)
{
    /// <summary>How many values each record must have: as many as the header.</summary>
    public int ColumnCount { get; } = columns.Max(column => column.Index) + 1;

    public ParsedRow Parse(CsvRecord record)
    {
        if (record.Error is not null)
            return ParsedRow.Rejected(record.Line, null, record.Error);
        if (record.Values.Count != ColumnCount)
            return ParsedRow.Rejected(record.Line, null, $"The row has {record.Values.Count} values; the header has {ColumnCount} columns.");

        string? email = null;
        string? assignedUser = null;
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var column in columns)
        {
            var value = record.Values[column.Index].Trim();
            switch (column.Target)
            {
                case ProspectFields.Email:
                    email = ProspectEmail.Normalize(value, out var problem);
                    if (email is null)
                        return ParsedRow.Rejected(record.Line, ProspectFields.Email, problem!);
                    break;
                case ProspectFields.AssignedUser:
                    if (ProspectValues.User(value) is { } userProblem)
                        return ParsedRow.Rejected(record.Line, column.Target, userProblem);
                    assignedUser = value.Length == 0 ? null : value;
                    break;
                default:
                    if (ProspectValues.FieldValue(value) is { } valueProblem)
                        return ParsedRow.Rejected(record.Line, column.Target, valueProblem);
                    // An empty cell leaves the prospect's value as it is: an import adds what it knows, it does not erase.
                    if (value.Length > 0)
                        values[column.Target] = value;
                    break;
            }
        }
        return new ParsedRow(new ImportRow(record.Line, email!, values, assignedUser), null);
    }
}
