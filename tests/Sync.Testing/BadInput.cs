using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Sync.Testing;

/// <summary>
/// The classes of malformed request every Sync service must answer with a 4xx problem naming what is wrong (never a 500),
/// applying nothing of it: one body per class, built around a member the endpoint reads.
/// </summary>
public static class BadInput
{
    /// <summary>The names of the JSON body classes, for a theory's data.</summary>
    public static TheoryData<string> JsonClasses => new()
    {
        "charset it cannot name",
        "member given twice",
        "member given twice in another case",
        "member name not UTF-8",
        "string not UTF-8",
        "lone surrogate escape",
        "whitespace only",
        "cut short",
    };

    /// <summary>
    /// The body of one class, with <paramref name="member"/> and its (valid) JSON <paramref name="value"/>, and what the answer
    /// must be: its status and a phrase its detail holds.
    /// </summary>
    public static (HttpContent Content, int Status, string Detail) JsonBody(string badClass, string member, string value) => badClass switch
    {
        "charset it cannot name" => (Json($"{{\"{member}\":{value}}}", "application/json; charset=bogus"), 415, "'bogus'"),
        "member given twice" => (Json($"{{\"{member}\":{value},\"{member}\":{value}}}"), 400, $"'{member}' is given twice"),
        "member given twice in another case" => (Json($"{{\"{member}\":{value},\"{char.ToUpperInvariant(member[0])}{member[1..]}\":{value}}}"), 400, "is given twice"),
        "member name not UTF-8" => (Json([.. Encoding.UTF8.GetBytes($"{{\"{member}"), 0xFF, .. Encoding.UTF8.GetBytes($"\":{value}}}")]), 400, "not UTF-8"),
        "string not UTF-8" => (Json([.. Encoding.UTF8.GetBytes($"{{\"{member}\":\"a"), 0xC3, 0x28, .. "\"}"u8.ToArray()]), 400, "not UTF-8"),
        "lone surrogate escape" => (Json($"{{\"{member}\":\"\\ud800\"}}"), 400, "surrogate"),
        "whitespace only" => (Json(new string(' ', 3000)), 400, "not valid"),
        "cut short" => (Json($"{{\"{member}\":{value}"), 400, "not valid"),
        _ => throw new ArgumentOutOfRangeException(nameof(badClass), badClass, "No such class of bad input."),
    };

    /// <summary>The names of the form body classes, for a theory's data.</summary>
    public static TheoryData<string> FormClasses => new()
    {
        "more than 1024 fields",
        "key over 2 KB",
        "NUL in a value",
        "multipart without a boundary",
        "multipart cut short",
        "multipart with a wrong boundary",
    };

    /// <summary>A form body of one class carrying <paramref name="fields"/> (url-encoded), and a phrase the problem's detail holds.</summary>
    public static (HttpContent Content, string Detail) FormBody(string badClass, string fields) => badClass switch
    {
        "more than 1024 fields" => (Form(fields + string.Concat(Enumerable.Range(0, 1100).Select(index => $"&f{index}=x"))), "count limit"),
        "key over 2 KB" => (Form($"{fields}&{new string('k', 2100)}=x"), "key length limit"),
        "NUL in a value" => (Form($"{fields}&company=a%00b"), "invalid characters"),
        "multipart without a boundary" => (Raw("--x\r\n", "multipart/form-data"), "boundary"),
        "multipart cut short" => (Raw(Part("x", "email", "a@example.com"), "multipart/form-data; boundary=x"), "closing boundary"),
        "multipart with a wrong boundary" => (Raw(Part("y", "email", "a@example.com") + "--y--\r\n", "multipart/form-data; boundary=x"), "closing boundary"),
        _ => throw new ArgumentOutOfRangeException(nameof(badClass), badClass, "No such class of bad input."),
    };

    private static string Part(string boundary, string name, string value) =>
        $"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n";

    private static HttpContent Form(string body) => Raw(body, "application/x-www-form-urlencoded");

    private static HttpContent Raw(string body, string contentType)
    {
        var content = new StringContent(body, Encoding.ASCII);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return content;
    }

    public static HttpContent Json(string text, string contentType = "application/json") => Json(Encoding.UTF8.GetBytes(text), contentType);

    public static HttpContent Json(byte[] bytes, string contentType = "application/json")
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return content;
    }

    /// <summary>Asserts an RFC 9457 problem with this status whose detail (or errors) holds <paramref name="detail"/>; answers the problem.</summary>
    public static async Task<JsonElement> AssertProblem(HttpResponseMessage response, int status, string detail)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == (int)response.StatusCode, $"Expected {status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        // A validation problem names the members at fault in "errors"; any other, in its detail.
        var text = (problem.TryGetProperty("detail", out var found) ? found.GetString() : null)
            + (problem.TryGetProperty("errors", out var errors) ? string.Join(" ", errors.EnumerateObject().SelectMany(member => member.Value.EnumerateArray()).Select(message => $"{message.GetString()}")) : null);
        Assert.True(text.Contains(detail, StringComparison.Ordinal), $"The problem does not mention \"{detail}\": {body}");
        return problem;
    }
}

/// <summary>The error-level (and worse) log entries a hosted service writes: register it as an ILoggerProvider.</summary>
public sealed class LoggedErrors : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _entries = new();

    public IReadOnlyList<string> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
                entries.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception?.GetType().Name}");
        }
    }
}
