namespace Sync.CrmSimulator.Soql;

/// <summary>One token of a query; <see cref="Value"/> is a string literal's text without its quotes and escapes.</summary>
public sealed record SoqlToken(SoqlTokenKind Kind, string Value)
{
    /// <summary>Whether this is the keyword or symbol <paramref name="keyword"/>, in any letter case.</summary>
    public bool Is(string keyword) => Kind is SoqlTokenKind.Word or SoqlTokenKind.Symbol && string.Equals(Value, keyword, StringComparison.OrdinalIgnoreCase);

    public override string ToString() => Kind == SoqlTokenKind.End ? "end of query" : $"'{Value}'";
}
