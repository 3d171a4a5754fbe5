using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Sync.ServiceDefaults.Http;

/// <summary>
/// What every JSON body must be before anything reads it: UTF-8 text (RFC 8259 §8.1) holding one JSON value, in which no
/// object names a member twice. System.Text.Json checks neither on its own: a member name that is not UTF-8 matches no
/// property, so the member counts as absent and the rest of the body is applied; a member given twice is either silently
/// overwritten or, inside a <c>JsonObject</c>, fails later as a server error. A body that fails here is refused whole.
/// </summary>
public static class JsonBodyCheck
{
    /// <summary>Deeper than any body Sync reads; System.Text.Json's own default.</summary>
    private const int MaxDepth = 64;

    /// <summary>Throws a <see cref="JsonException"/> naming the path and the problem when <paramref name="json"/> is not such a body.</summary>
    public static void Check(ReadOnlySpan<byte> json)
    {
        // A byte order mark may be ignored (RFC 8259 §8.1), as System.Text.Json ignores it when it reads a body.
        json = WithoutByteOrderMark(json);
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = MaxDepth });
        var scopes = new List<Scope>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        Enter(scopes, isObject: true);
                        break;
                    case JsonTokenType.StartArray:
                        Enter(scopes, isObject: false);
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        scopes.RemoveAt(scopes.Count - 1);
                        break;
                    case JsonTokenType.PropertyName:
                        var name = Text(ref reader, scopes, "A member name");
                        var scope = scopes[^1];
                        // Members bind without regard to case (as Sync's JSON options and Salesforce's field names do), so
                        // "warmAt" and "WarmAt" are one member given twice.
                        if (!scope.Names!.Add(name))
                            throw Refused(scopes, $"The member '{name}' is given twice; give each member once.");
                        scope.Member = name;
                        break;
                    case JsonTokenType.String:
                        Element(scopes);
                        Text(ref reader, scopes, "A string");
                        break;
                    default:
                        Element(scopes);
                        break;
                }
            }
        }
        catch (JsonException exception) when (exception.Path is null)
        {
            // The reader's own complaint (a stray character, an unclosed object) says where in bytes; add where in the body.
            throw new JsonException(exception.Message, PathOf(scopes, current: true), exception.LineNumber, exception.BytePositionInLine, exception);
        }
    }

    /// <summary>The JSON text after a UTF-8 byte order mark, if it starts with one.</summary>
    public static ReadOnlySpan<byte> WithoutByteOrderMark(ReadOnlySpan<byte> json) => json.StartsWith("\uFEFF"u8) ? json[3..] : json;

    private static void Enter(List<Scope> scopes, bool isObject)
    {
        Element(scopes);
        scopes.Add(new Scope(isObject ? new HashSet<string>(StringComparer.OrdinalIgnoreCase) : null));
    }

    /// <summary>Counts a value inside an array, so the path names its index.</summary>
    private static void Element(List<Scope> scopes)
    {
        if (scopes.Count > 0 && scopes[^1].Names is null)
            scopes[^1].Index++;
    }

    /// <summary>The text of a string or member name: its raw bytes must be UTF-8, and its escapes whole UTF-16 characters.</summary>
    private static string Text(ref Utf8JsonReader reader, List<Scope> scopes, string what)
    {
        // The body is one span, so a value is never split across segments.
        var raw = reader.ValueSpan;
        var isName = reader.TokenType == JsonTokenType.PropertyName;
        if (!Utf8.IsValid(raw))
        {
            var invalid = InvalidAt(raw);
            // The token starts at its opening quote.
            var offset = reader.TokenStartIndex + 1 + invalid;
            throw Refused(scopes, string.Create(CultureInfo.InvariantCulture,
                $"{what} is not UTF-8 text (the byte 0x{raw[invalid]:X2} at offset {offset} begins no UTF-8 character); send the body as UTF-8."),
                current: !isName);
        }
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw Refused(scopes, $"{what} holds an escape that is not a whole character (a lone \\uD800 to \\uDFFF surrogate).", current: !isName);
        }
    }

    private static int InvalidAt(ReadOnlySpan<byte> raw)
    {
        var offset = 0;
        while (offset < raw.Length && Rune.DecodeFromUtf8(raw[offset..], out _, out var consumed) == System.Buffers.OperationStatus.Done)
            offset += consumed;
        return offset;
    }

    /// <param name="current">Whether the path names the value being read (a string), or only its object (a member name, not yet a member).</param>
    private static JsonException Refused(List<Scope> scopes, string message, bool current = false) =>
        new(message, PathOf(scopes, current), lineNumber: null, bytePositionInLine: null);

    /// <summary>The JSONPath of the value being read ("$.writes[2].fields"), as System.Text.Json names paths in its own errors.</summary>
    private static string PathOf(List<Scope> scopes, bool current)
    {
        var path = new StringBuilder("$");
        for (var depth = 0; depth < (current ? scopes.Count : scopes.Count - 1); depth++)
        {
            var scope = scopes[depth];
            if (scope.Names is null ? scope.Index < 0 : scope.Member is null)
                break;
            if (scope.Names is null)
                path.Append(CultureInfo.InvariantCulture, $"[{scope.Index}]");
            else
                path.Append('.').Append(scope.Member);
        }
        return path.ToString();
    }

    private sealed class Scope(HashSet<string>? names)
    {
        /// <summary>The member names of an object so far; null for an array.</summary>
        public HashSet<string>? Names { get; } = names;

        /// <summary>The member being read, in an object.</summary>
        public string? Member { get; set; }

        /// <summary>The index of the element being read, in an array.</summary>
        public int Index { get; set; } = -1;
    }
}
