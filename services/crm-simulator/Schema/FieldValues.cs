using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Sync.CrmSimulator.Errors;

namespace Sync.CrmSimulator.Schema;

/// <summary>
/// How field values travel: the API accepts JSON strings, numbers, booleans and null (numbers and booleans also as strings,
/// as Salesforce does), the store keeps one canonical string per value, and reads answer typed JSON again.
/// </summary>
public static partial class FieldValues
{
    /// <summary>Salesforce's date-time format: milliseconds and a "+0000" offset, always UTC.</summary>
    public const string DateTimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'+0000'";

    public static string FormatDateTime(DateTimeOffset value) =>
        value.ToUniversalTime().ToString(DateTimeFormat, CultureInfo.InvariantCulture);

    public static DateTimeOffset? ParseDateTime(string? value) =>
        value is not null && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
            ? parsed.ToUniversalTime()
            : null;

    /// <summary>The canonical stored form of <paramref name="value"/> for <paramref name="field"/>, or the error a caller sees.</summary>
    public static bool TryCanonicalize(FieldDescribe field, JsonNode? value, out string? canonical, out CrmApiError? error)
    {
        canonical = null;
        error = null;
        if (value is null)
            return true;
        if (value is not JsonValue scalar)
        {
            error = CrmApiError.JsonParser($"{field.Name}: expected a value, found a JSON {value.GetValueKind().ToString().ToLowerInvariant()}");
            return false;
        }

        var text = scalar.GetValueKind() switch
        {
            JsonValueKind.String => scalar.GetValue<string>(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => scalar.ToJsonString(),
        };
        return TryCanonicalize(field, text, out canonical, out error);
    }

    public static bool TryCanonicalize(FieldDescribe field, string? text, out string? canonical, out CrmApiError? error)
    {
        canonical = null;
        error = null;
        // Salesforce stores an empty string as no value.
        if (string.IsNullOrEmpty(text))
            return true;

        switch (field.Kind)
        {
            case FieldKind.Number:
                if (!decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                    return Fail(CrmApiError.WrongType(field.Name, text), out error);
                canonical = number.ToString("0.############################", CultureInfo.InvariantCulture);
                return true;
            case FieldKind.Boolean:
                if (!bool.TryParse(text, out var flag))
                    return Fail(CrmApiError.WrongType(field.Name, text), out error);
                canonical = flag ? "true" : "false";
                return true;
            case FieldKind.Date:
                if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                    return Fail(CrmApiError.WrongType(field.Name, text), out error);
                canonical = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                return true;
            case FieldKind.DateTime:
                if (ParseDateTime(text) is not { } moment)
                    return Fail(CrmApiError.WrongType(field.Name, text), out error);
                canonical = FormatDateTime(moment);
                return true;
            case FieldKind.Reference or FieldKind.Id:
                if (!SalesforceId.TryNormalize(text, out var id))
                    return Fail(CrmApiError.MalformedId(field.Name, text), out error);
                canonical = id;
                return true;
            case FieldKind.Email:
                text = text.Trim();
                if (!EmailPattern().IsMatch(text))
                    return Fail(CrmApiError.InvalidEmail(field.Name, text), out error);
                break;
        }

        if (field.MaxLength > 0 && text.Length > field.MaxLength)
            return Fail(CrmApiError.TooLong(field.Name, field.MaxLength), out error);
        canonical = text;
        return true;
    }

    /// <summary>The stored value as the API serves it: numbers and booleans typed, everything else a string.</summary>
    public static JsonNode? ToJson(FieldDescribe field, string? value) => value is null
        ? null
        : field.Kind switch
        {
            FieldKind.Number => JsonValue.Create(decimal.Parse(value, CultureInfo.InvariantCulture)),
            FieldKind.Boolean => JsonValue.Create(value == "true"),
            _ => JsonValue.Create(value),
        };

    /// <summary>The form a value is indexed and compared under: Salesforce compares text without regard to case.</summary>
    public static string IndexForm(string value) => value.Trim().ToLowerInvariant();

    private static bool Fail(CrmApiError failure, out CrmApiError? error)
    {
        error = failure;
        return false;
    }

    // An address as a Salesforce org without Email Address Internationalization takes it. The local part: ASCII letters,
    // digits and !#$%&'*+/=?^_`{|}~.- (apostrophes and plus signs included), up to 64, not starting with a dot; Salesforce
    // allows ".." and a final dot there, as some Japanese providers hand them out. The domain: dot-separated labels of
    // letters, digits and inner hyphens, ending in a top-level domain of letters or an IDN's punycode (xn--). Refused:
    // other characters (accents, spaces, quotes, brackets), a domain literal, a one-letter or numeric top-level domain.
    [GeneratedRegex("""^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-][A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{0,63}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9](?:[A-Za-z0-9-]{0,57}[A-Za-z0-9])?)\z""")]
    private static partial Regex EmailPattern();
}
