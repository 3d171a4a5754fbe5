using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using Sync.ServiceDefaults.Messaging;

namespace Sync.ServiceDefaults.Http;

/// <summary>
/// Turns what goes wrong in a request into RFC 9457 problem details: malformed input names the member at fault (400, 413, 415;
/// see <see cref="RequestReading"/> for what is refused before an endpoint runs),
/// an unavailable broker or Redis answers 503 with Retry-After so the caller retries, and anything else is a 500 with a trace id.
/// </summary>
internal sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => new ProblemDetails
            {
                Status = StatusCodes.Status413PayloadTooLarge,
                Title = "Request body too large",
                Detail = exception.Message,
            },
            BadHttpRequestException { InnerException: JsonException json } => Malformed(json),
            JsonException json => Malformed(json),
            BadHttpRequestException bad => new ProblemDetails
            {
                Status = bad.StatusCode,
                Title = bad.StatusCode == StatusCodes.Status415UnsupportedMediaType ? "Unsupported media type" : "Bad request",
                Detail = bad.Message,
            },
            BrokerUnavailableException => ProblemDetailsDefaults.Unavailable(http, "Message broker unavailable", exception.Message),
            // Only an unreachable or busy Redis is worth a retry; a script or command error would fail again, so it is a 500.
            RedisConnectionException or RedisTimeoutException => ProblemDetailsDefaults.Unavailable(http, "Store unavailable",
                "Redis did not answer. Each change is applied whole or not at all, so retrying the request is safe."),
            RedisServerException server when IsTransient(server.Kind) => ProblemDetailsDefaults.Unavailable(http, "Store unavailable",
                $"Redis is not accepting commands now ({server.Kind}). Retrying the request is safe."),
            _ => null,
        };

        if (problem is null)
        {
            logger.LogError(exception, "Unhandled error in {Method} {Path}", http.Request.Method, http.Request.Path);
            problem = new ProblemDetails
            {
                Status = StatusCodes.Status500InternalServerError,
                Title = "Internal error",
                Detail = "The request failed unexpectedly; the trace id identifies it in the logs.",
            };
        }
        else if (problem.Status == StatusCodes.Status503ServiceUnavailable)
        {
            logger.LogWarning(exception, "Answered 503 to {Method} {Path}: {Reason}", http.Request.Method, http.Request.Path, problem.Title);
        }

        http.Response.StatusCode = problem.Status ?? StatusCodes.Status500InternalServerError;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem, Exception = exception });
    }

    /// <summary>Redis answers these while it loads its data, fails over or is overloaded: they pass.</summary>
    private static bool IsTransient(RedisErrorKind kind) => kind is RedisErrorKind.Loading or RedisErrorKind.ReadOnly or RedisErrorKind.MasterDown
        or RedisErrorKind.ClusterDown or RedisErrorKind.TryAgain or RedisErrorKind.Busy or RedisErrorKind.MaxClients or RedisErrorKind.NoReplicas;

    private static ProblemDetails Malformed(JsonException json) => new()
    {
        Status = StatusCodes.Status400BadRequest,
        Title = "Malformed JSON",
        Detail = json.Path is { Length: > 0 } path
            ? $"The request body is not valid at '{path}': {FirstSentence(json.Message)}"
            : $"The request body is not valid JSON: {FirstSentence(json.Message)}",
    };

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }
}

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
