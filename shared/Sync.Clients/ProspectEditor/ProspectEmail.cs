using System.Net.Mail;

namespace Sync.Clients.ProspectEditor;

/// <summary>
/// The one way an e-mail address is checked and normalised (trimmed, lower-cased), so every service agrees on which
/// prospect an address belongs to.
/// </summary>
public static class ProspectEmail
{
    public const int MaxLength = 254;

    /// <summary>The normalised address, or null with <paramref name="problem"/> saying what is wrong (never echoing the address).</summary>
    public static string? Normalize(string? email, out string? problem)
    {
        problem = null;
        var candidate = email?.Trim();
        if (string.IsNullOrEmpty(candidate))
        {
            problem = "An e-mail address is required.";
            return null;
        }
        if (candidate.Length > MaxLength)
        {
            problem = $"The e-mail address is longer than {MaxLength} characters.";
            return null;
        }

        var at = candidate.IndexOf('@');
        var valid = at > 0 && at == candidate.LastIndexOf('@') && at < candidate.Length - 1
            && candidate.AsSpan(at + 1).Contains('.') && !candidate.EndsWith('.')
            && !candidate.Any(character => char.IsWhiteSpace(character) || char.IsControl(character) || character is '<' or '>' or ',' or ';')
            // MailAddress also accepts "Name <address>"; only a bare address that it reads back unchanged is one.
            && MailAddress.TryCreate(candidate, out var parsed) && parsed.Address == candidate;
        if (!valid)
        {
            problem = "The value is not a valid e-mail address.";
            return null;
        }
        return candidate.ToLowerInvariant();
    }

    public static bool IsValid(string? email) => Normalize(email, out _) is not null;
}
