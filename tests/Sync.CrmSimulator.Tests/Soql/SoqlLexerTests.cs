using Sync.CrmSimulator.Errors;
using Sync.CrmSimulator.Soql;
using Sync.Testing;

namespace Sync.CrmSimulator.Tests.Soql;

[FastLane]
public sealed class SoqlLexerTests
{
    [Fact]
    public void AQueryIsCutIntoWordsSymbolsNumbersAndUnescapedStrings()
    {
        var tokens = SoqlLexer.Tokenize("SELECT Id FROM Lead WHERE LastName != 'O\\'Brien' AND Score__c IN (-1.5, 20) LIMIT 3");

        Assert.Equal(
        [
            (SoqlTokenKind.Word, "SELECT"), (SoqlTokenKind.Word, "Id"), (SoqlTokenKind.Word, "FROM"), (SoqlTokenKind.Word, "Lead"),
            (SoqlTokenKind.Word, "WHERE"), (SoqlTokenKind.Word, "LastName"), (SoqlTokenKind.Symbol, "!="), (SoqlTokenKind.Text, "O'Brien"),
            (SoqlTokenKind.Word, "AND"), (SoqlTokenKind.Word, "Score__c"), (SoqlTokenKind.Word, "IN"), (SoqlTokenKind.Symbol, "("),
            (SoqlTokenKind.Number, "-1.5"), (SoqlTokenKind.Symbol, ","), (SoqlTokenKind.Number, "20"), (SoqlTokenKind.Symbol, ")"),
            (SoqlTokenKind.Word, "LIMIT"), (SoqlTokenKind.Number, "3"), (SoqlTokenKind.End, ""),
        ], tokens.Select(token => (token.Kind, token.Value)));
    }

    [Theory]
    [InlineData("SELECT Id FROM Lead WHERE CreatedDate = 2026-01-01", "Date and date-time literals are not supported")]
    [InlineData("SELECT Id FROM Lead WHERE LastName = 'open", "A quoted string is not closed")]
    [InlineData("SELECT Id FROM Lead WHERE LastName = \"x\"", "unexpected character: '\"'")]
    public void WhatTheLexerCannotCutAnswersMalformedQuery(string query, string message)
    {
        var refused = Assert.Throws<CrmApiException>(() => SoqlLexer.Tokenize(query));

        Assert.Equal("MALFORMED_QUERY", refused.Error.ErrorCode);
        Assert.Contains(message, refused.Error.Message, StringComparison.Ordinal);
    }
}
