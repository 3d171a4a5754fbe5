namespace Sync.CrmSimulator.Schema;

/// <summary>
/// Record ids as Salesforce makes them: a 3-character key prefix naming the object (00Q Lead, 003 Contact, ...), the
/// simulated pod "Sy", a reserved character, 9 base-62 characters of the record, and a 3-character suffix that encodes
/// the case of the first 15, so the 18-character form survives case-insensitive tools.
/// </summary>
public static class SalesforceId
{
    private const string Base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private const string SuffixAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
    private const string Pod = "Sy0";

    public static string Create(string keyPrefix, long sequence)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sequence);
        Span<char> digits = stackalloc char[9];
        var rest = sequence;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            digits[i] = Base62[(int)(rest % 62)];
            rest /= 62;
        }
        if (rest > 0)
            throw new ArgumentOutOfRangeException(nameof(sequence), sequence, "The record sequence no longer fits 9 base-62 characters.");
        var caseSensitive = string.Concat(keyPrefix, Pod, new string(digits));
        return caseSensitive + Suffix(caseSensitive);
    }

    /// <summary>The 18-character form of a 15- or 18-character id (the latter in any letter case); false for anything else.</summary>
    public static bool TryNormalize(string? value, out string id)
    {
        id = "";
        if (value is null || (value.Length != 15 && value.Length != 18) || !value.All(char.IsAsciiLetterOrDigit))
            return false;
        if (value.Length == 15)
        {
            id = value + Suffix(value);
            return true;
        }

        Span<char> chars = value[..15].ToCharArray();
        for (var chunk = 0; chunk < 3; chunk++)
        {
            var flags = SuffixAlphabet.IndexOf(char.ToUpperInvariant(value[15 + chunk]));
            if (flags < 0)
                return false;
            for (var bit = 0; bit < 5; bit++)
            {
                ref var c = ref chars[chunk * 5 + bit];
                if (char.IsAsciiLetter(c))
                    c = (flags & (1 << bit)) != 0 ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c);
            }
        }
        var caseSensitive = new string(chars);
        id = caseSensitive + Suffix(caseSensitive);
        return true;
    }

    public static string KeyPrefixOf(string id) => id[..3];

    private static string Suffix(string caseSensitive)
    {
        Span<char> suffix = stackalloc char[3];
        for (var chunk = 0; chunk < 3; chunk++)
        {
            var flags = 0;
            for (var bit = 0; bit < 5; bit++)
            {
                if (char.IsAsciiLetterUpper(caseSensitive[chunk * 5 + bit]))
                    flags |= 1 << bit;
            }
            suffix[chunk] = SuffixAlphabet[flags];
        }
        return new string(suffix);
    }
}
