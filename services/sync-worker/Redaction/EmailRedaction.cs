using System.Text.RegularExpressions;

namespace Sync.SyncWorker.Redaction;

/// <summary>Error text from the CRM or prospect-editor can quote a record's values; an e-mail address never reaches a log or a span.</summary>
public static partial class EmailRedaction
{
    public static string WithoutEmails(string text) => EmailAddress().Replace(text, "[e-mail]");

    // An address may hold an apostrophe (o'hara@...), but neither starts nor ends with one: that quotes it.
    [GeneratedRegex(@"[^\s@<>""'(),;:][^\s@<>""(),;:]*@[^\s@<>""'(),;:]+", RegexOptions.CultureInvariant)]
    private static partial Regex EmailAddress();
}
