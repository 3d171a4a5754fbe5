using Sync.ProspectEditor.Prospects;

namespace Sync.ProspectEditor.Imports;

/// <summary>A column of the file that is imported: where it stands in each record, and the prospect field it fills.</summary>
public sealed record ImportColumn(int Index, string Target);

/// <summary>The columns a header maps to, and what stops it from being imported (by member: "header", "email", "columns[3]").</summary>
public sealed record ImportHeaderMapping(IReadOnlyList<ImportColumn> Columns, IReadOnlyDictionary<string, string> Problems)
{
    public bool IsValid => Problems.Count == 0;
}

/// <summary>
/// Maps a CSV header to prospect fields: an email column is required, names match a standard or custom field as
/// <see cref="ProspectFields"/> compares them ("First Name" is firstName), and two columns never fill one field.
/// </summary>
public static class ImportHeaderMapper
{
    public static ImportHeaderMapping Map(CsvRecord? header, ProspectFields fields)
    {
        var problems = new Dictionary<string, string>(StringComparer.Ordinal);
        if (header is null)
        {
            problems["header"] = "The file is empty: the first row must be a header naming the columns, one of them email.";
            return new ImportHeaderMapping([], problems);
        }
        if (header.Error is not null)
            problems["header"] = $"Line {header.Line}: {header.Error}";

        var columns = new List<ImportColumn>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var index = 0; index < header.Values.Count; index++)
        {
            var name = header.Values[index].Trim().TrimStart('\uFEFF');
            var key = ProspectFields.Key(name);
            string? target = key switch
            {
                "email" or "emailaddress" => ProspectFields.Email,
                "assigneduser" or "assignedto" => ProspectFields.AssignedUser,
                _ => fields.Resolve(name),
            };
            if (name.Length == 0)
                problems[$"columns[{index}]"] = "The column has no name.";
            else if (target is null)
                problems[$"columns[{index}]"] = $"No prospect field is named '{name}'; create it first with POST /custom-fields, or remove the column.";
            else if (!seen.Add(target))
                problems[$"columns[{index}]"] = $"The column '{name}' maps to {target}, which an earlier column already fills.";
            else
                columns.Add(new ImportColumn(index, target));
        }
        if (header.Values.Count > 0 && !seen.Contains(ProspectFields.Email))
            problems["email"] = "The header has no email column; every row needs the prospect's e-mail address.";
        return new ImportHeaderMapping(columns, problems);
    }
}
