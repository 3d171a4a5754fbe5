using Sync.ProspectEditor.Imports;
using Sync.Testing;

namespace Sync.ProspectEditor.Tests;

[FastLane]
public sealed class ImportRowParserTests
{
    private static readonly ImportRowParser Parser = new([new ImportColumn(0, "email"), new ImportColumn(1, "company"), new ImportColumn(2, "assignedUser")]);

    [Fact]
    public void ARowCarriesTheNormalisedAddressItsTrimmedValuesAndItsUser()
    {
        var parsed = Parser.Parse(Record(7, " Ada@Example.COM ", "  Analytical Engines ", " 005-a "));

        Assert.Null(parsed.Rejection);
        var row = parsed.Row!;
        Assert.Equal((7L, "ada@example.com", "005-a"), (row.Line, row.Email, row.AssignedUser));
        Assert.Equal("Analytical Engines", row.Values["company"]);
    }

    [Fact]
    public void AnEmptyCellSetsNothingAndAnEmptyUserAssignsNone()
    {
        var row = Parser.Parse(Record(2, "ada@example.com", "", "")).Row!;

        Assert.Empty(row.Values);
        Assert.Null(row.AssignedUser);
    }

    [Fact]
    public void ARowWithoutAValidAddressIsRejectedNamingTheEmailColumn()
    {
        var parsed = Parser.Parse(Record(3, "not-an-email", "Co", ""));

        Assert.Null(parsed.Row);
        Assert.Equal((3L, "email"), (parsed.Rejection!.Line, parsed.Rejection.Column));
    }

    [Fact]
    public void AValueOverTheLimitRejectsTheRowNamingItsColumn()
    {
        Assert.Equal("company", Parser.Parse(Record(4, "ada@example.com", new string('c', 4001), "")).Rejection!.Column);
        Assert.Equal("assignedUser", Parser.Parse(Record(5, "ada@example.com", "Co", new string('u', 201))).Rejection!.Column);
    }

    [Fact]
    public void ARowWithAnotherNumberOfValuesThanTheHeaderIsRejected()
    {
        var parsed = Parser.Parse(Record(6, "ada@example.com", "Co", "005-a", "extra"));

        Assert.Null(parsed.Rejection!.Column);
        Assert.Contains("4 values; the header has 3 columns", parsed.Rejection.Reason);
    }

    [Fact]
    public void AMalformedRecordIsRejectedWithTheReaderReason()
    {
        var parsed = Parser.Parse(new CsvRecord(8, ["ada@example.com", "Co", ""], "A stray quote."));

        Assert.Equal(new ImportRowError(8, null, "A stray quote."), parsed.Rejection);
    }

    [Fact]
    public void TheHeaderWidthCountsColumnsThatAreNotImported()
    {
        var parser = new ImportRowParser([new ImportColumn(2, "email")]);

        Assert.Equal(3, parser.ColumnCount);
        Assert.Equal("ada@example.com", parser.Parse(Record(2, "ignored", "", "ada@example.com")).Row!.Email);
    }

    private static CsvRecord Record(long line, params string[] values) => new(line, values, null);
}
