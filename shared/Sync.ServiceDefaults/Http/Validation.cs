using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Sync.ServiceDefaults.Http;

/// <summary>Collects what is wrong with a request, member by member, into one 400 problem (RFC 9457, with "errors").</summary>
public sealed class RequestValidation
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsValid => _errors.Count == 0;

    public RequestValidation Require(bool condition, string member, string message)
    {
        if (!condition)
            Add(member, message);
        return this;
    }

    public RequestValidation Add(string member, string message)
    {
        if (!_errors.TryGetValue(member, out var messages))
            _errors[member] = messages = [];
        messages.Add(message);
        return this;
    }

    /// <summary>The 400 answer; as a return type it says so in the OpenAPI document.</summary>
    public ValidationProblem Problem(string title = "The request is not valid") =>
        TypedResults.ValidationProblem(_errors.ToDictionary(entry => entry.Key, entry => entry.Value.ToArray()), title: title);
}
