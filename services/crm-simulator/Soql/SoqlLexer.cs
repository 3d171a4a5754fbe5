using System.Text;

namespace Sync.CrmSimulator.Soql;

/// <summary>
/// Cuts a query into words, quoted strings (with \' \\ \n \t \r escapes), numbers and symbols. A date literal or a
/// character SOQL has no use for is refused here, before the grammar is read.
/// </summary>
public static class SoqlLexer
{
    public static List<SoqlToken> Tokenize(string text)
    {
        var tokens = new List<SoqlToken>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (char.IsAsciiLetter(c) || c == '_')
            {
                var start = i;
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '_' or '.'))
                    i++;
                tokens.Add(new SoqlToken(SoqlTokenKind.Word, text[start..i]));
            }
            else if (char.IsAsciiDigit(c) || (c == '-' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1])))
            {
                var start = i++;
                while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
                    i++;
                if (i < text.Length && (char.IsAsciiLetter(text[i]) || text[i] is ':' or '-'))
                    throw SoqlParser.Malformed($"unexpected token: '{text[start..Math.Min(text.Length, i + 10)]}'. Date and date-time literals are not supported. {SoqlParser.Grammar}");
                tokens.Add(new SoqlToken(SoqlTokenKind.Number, text[start..i]));
            }
            else if (c == '\'')
            {
                var value = new StringBuilder();
                i++;
                while (true)
                {
                    if (i >= text.Length)
                        throw SoqlParser.Malformed("A quoted string is not closed: end it with '.");
                    if (text[i] == '\\' && i + 1 < text.Length)
                    {
                        value.Append(text[i + 1] switch { 'n' => '\n', 't' => '\t', 'r' => '\r', var escaped => escaped });
                        i += 2;
                    }
                    else if (text[i] == '\'')
                    {
                        i++;
                        break;
                    }
                    else
                    {
                        value.Append(text[i++]);
                    }
                }
                tokens.Add(new SoqlToken(SoqlTokenKind.Text, value.ToString()));
            }
            else if (i + 1 < text.Length && text.Substring(i, 2) is "!=" or "<>" or "<=" or ">=")
            {
                tokens.Add(new SoqlToken(SoqlTokenKind.Symbol, text.Substring(i, 2)));
                i += 2;
            }
            else if (c is '(' or ')' or ',' or '=' or '<' or '>' or '*' or ';' or ':')
            {
                tokens.Add(new SoqlToken(SoqlTokenKind.Symbol, c.ToString()));
                i++;
            }
            else
            {
                throw SoqlParser.Malformed($"unexpected character: '{c}'. {SoqlParser.Grammar}");
            }
        }
        tokens.Add(new SoqlToken(SoqlTokenKind.End, ""));
        return tokens;
    }
}
