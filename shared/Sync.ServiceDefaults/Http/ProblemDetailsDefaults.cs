using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Sync.ServiceDefaults.Http;

public static class ProblemDetailsDefaults
{
    /// <summary>The Retry-After (seconds) of every 503 a Sync service answers, so callers see one retry policy.</summary>
    public const int RetryAfterSeconds = 5;

    /// <summary>
    /// A 503 the caller can retry: sets Retry-After on the response and says when to retry in the detail, after
    /// <paramref name="detail"/>. Endpoints answer it with <c>TypedResults.Problem(...)</c>, adding their own extensions.
    /// </summary>
    public static ProblemDetails Unavailable(HttpContext http, string title, string detail)
    {
        http.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new ProblemDetails
        {
            Status = StatusCodes.Status503ServiceUnavailable,
            Title = title,
            Detail = $"{detail} Retry after {RetryAfterSeconds} seconds.",
        };
    }

    /// <summary>Every problem carries the trace id, so an operator can find the request in the tracing dashboard.</summary>
    public static void AddTraceId(ProblemDetailsContext context)
    {
        context.ProblemDetails.Instance ??= $"{context.HttpContext.Request.Method} {context.HttpContext.Request.Path}";
        var traceId = Activity.Current?.TraceId.ToString() ?? context.HttpContext.TraceIdentifier;
        context.ProblemDetails.Extensions["traceId"] = traceId;
    }
}
