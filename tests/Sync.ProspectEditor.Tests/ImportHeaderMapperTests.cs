using Sync.ProspectEditor.Imports;
using Sync.ProspectEditor.Prospects;
using Sync.Testing;

namespace Sync.ProspectEditor.Tests;

[FastLane]
public sealed class ImportHeaderMapperTests
{
    private static readonly ProspectFields Catalog = new(["leadSource2"]);

    [Fact]
    public void ColumnsMapToTheFieldsTheyNameHoweverTheNameIsWritten()
    {
        var mapping = ImportHeaderMapper.Map(Header("\uFEFFE-mail Address", " First Name ", "assigned_to", "LEAD SOURCE 2", "company"), Catalog);

        Assert.True(mapping.IsValid);
        Assert.Equal(
            [new ImportColumn(0, "email"), new ImportColumn(1, "firstName"), new ImportColumn(2, "assignedUser"), new ImportColumn(3, "leadSource2"), new ImportColumn(4, "company")],
            mapping.Columns);
    }

    [Fact]
    public void AHeaderWithoutAnEmailColumnIsRefused()
    {
        var mapping = ImportHeaderMapper.Map(Header("firstName", "lastName"), Catalog);

        Assert.False(mapping.IsValid);
        Assert.Equal(["email"], mapping.Problems.Keys);
    }

    [Fact]
    public void EachColumnThatCannotBeMappedIsNamedByItsPosition()
    {
        var mapping = ImportHeaderMapper.Map(Header("email", "favouriteColour", "", "First Name", "firstname"), Catalog);

        Assert.Equal(["columns[1]", "columns[2]", "columns[4]"], mapping.Problems.Keys.Order());
        Assert.Contains("'favouriteColour'", mapping.Problems["columns[1]"]);
        Assert.Contains("no name", mapping.Problems["columns[2]"]);
        Assert.Contains("already fills", mapping.Problems["columns[4]"]);
    }

    [Fact]
    public void AnEmptyFileHasNoHeaderToMap()
    {
        var mapping = ImportHeaderMapper.Map(null, Catalog);

        Assert.Equal(["header"], mapping.Problems.Keys);
        Assert.Empty(mapping.Columns);
    }

    [Fact]
    public void AMalformedHeaderRecordIsRefusedByItsLine()
    {
        var mapping = ImportHeaderMapper.Map(new CsvRecord(1, ["email"], "A quote is not closed."), Catalog);

        Assert.Equal("Line 1: A quote is not closed.", mapping.Problems["header"]);
    }

    private static CsvRecord Header(params string[] names) => new(1, names, null);
}
