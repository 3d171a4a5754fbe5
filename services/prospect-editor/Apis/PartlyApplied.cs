using Microsoft.AspNetCore.Http.HttpResults;
using StackExchange.Redis;
using Sync.ServiceDefaults.Http;

namespace Sync.ProspectEditor.Apis;

/// <summary>
/// What an endpoint that writes many prospects (an import, a sync's write-back, a rule run) answers when it fails part-way.
/// The shared 503 says "nothing was changed", which is not so here: this names what was applied, and says that retrying is
/// safe, which holds because each of those writes, made again, changes nothing.
/// </summary>
internal static class PartlyApplied
{
    public static bool IsStoreFailure(Exception exception) => exception is RedisException or RedisTimeoutException;

    /// <summary>503 with Retry-After when Redis failed (a retry can succeed), 500 otherwise; either way with what was applied.</summary>
    public static ProblemHttpResult Problem(HttpContext http, Exception cause, string applied, Dictionary<string, object?> extensions)
    {
        if (!IsStoreFailure(cause))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status500InternalServerError, title: "Stopped part-way",
                detail: $"{applied} The rest was not; the trace id identifies the failure in the logs.", extensions: extensions);
        }
        var problem = ProblemDetailsDefaults.Unavailable(http, "Store unavailable",
            $"Redis did not answer part-way: the request may be partly applied. {applied} Retrying the request is safe.");
        foreach (var (name, value) in extensions)
            problem.Extensions[name] = value;
        return TypedResults.Problem(problem);
    }
}
