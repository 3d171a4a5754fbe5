
using Sync.CrmSimulator.Schema;
using Sync.Testing;

namespace Sync.CrmSimulator.Tests;

[FastLane]
public sealed class SalesforceIdTests
{
    [Theory]
    [InlineData("001D000000IqhSL", "001D000000IqhSLIAZ")]
    [InlineData("003Sy0000000001", "003Sy0000000001IAA")]
    public void AFifteenCharacterIdGetsSalesforcesCaseSuffix(string caseSensitive, string expected)
    {
        Assert.True(SalesforceId.TryNormalize(caseSensitive, out var id));
        Assert.Equal(expected, id);
    }

    [Fact]
    public void AnEighteenCharacterIdInAnyCaseNormalizesToOneId()
    {
        var id = SalesforceId.Create("00Q", 123_456_789);

        Assert.True(SalesforceId.TryNormalize(id.ToLowerInvariant(), out var fromLower));
        Assert.True(SalesforceId.TryNormalize(id.ToUpperInvariant(), out var fromUpper));
        Assert.Equal(id, fromLower);
        Assert.Equal(id, fromUpper);
    }

    [Fact]
    public void SequentialIdsSortInCreationOrder()
    {
        var ids = new[] { 9L, 10, 61, 62, 3_843, 3_844, 1_000_000 }.Select(sequence => SalesforceId.Create("003", sequence)).ToList();

        Assert.Equal(ids, ids.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("00Q")]
    [InlineData("00QSy000000000!")]
    [InlineData("00QSy0000000001IA9")]
    public void AnythingElseIsNotAnId(string? value) => Assert.False(SalesforceId.TryNormalize(value, out _));
}
