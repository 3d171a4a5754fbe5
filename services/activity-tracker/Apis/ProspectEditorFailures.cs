using System.Net;
using Sync.Clients.ProspectEditor;
using Sync.ServiceDefaults.Http;

namespace Sync.ActivityTracker.Apis;

/// <summary>The endpoint filter that turns prospect-editor's failures into the answers a public caller may see.</summary>
internal static partial class ProspectEditorFailures
{
    /// <summary>
    /// What prospect-editor's failures become for a public caller, who must never see its answers (its instance, its trace
    /// id, a key mismatch). Its 400 naming fields is the caller's bad input: the tracker's own 400 naming them. Unreachable,
    /// overloaded or failing, it is a 503 with Retry-After; any other refusal is the deployment's fault, a 502 for the
    /// caller and an error for the operator. Nothing was published in any of these cases.
    /// </summary>
    public static async ValueTask<object?> Filter(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        try
        {
            return await next(context);
        }
        catch (Exception exception) when (exception is HttpRequestException
            || (exception is TaskCanceledException && !http.RequestAborted.IsCancellationRequested)
            || exception is ProspectEditorException { Transient: true })
        {
            LogProspectEditorUnavailable(Logger(http), exception, http.Request.Method, http.Request.Path);
            return TypedResults.Problem(ProblemDetailsDefaults.Unavailable(http, "prospect-editor unavailable",
                "The prospect could not be found or created; nothing was recorded."));
        }
        catch (ProspectEditorException exception) when (exception is { Status: HttpStatusCode.BadRequest, Errors.Count: > 0 })
        {
            return TypedResults.ValidationProblem(exception.Errors.ToDictionary(), title: "The submission was refused; nothing was recorded");
        }
        catch (ProspectEditorException exception)
        {
            LogProspectEditorRefused(Logger(http), exception, (int)exception.Status, exception.ProblemType, http.Request.Method, http.Request.Path);
            return TypedResults.Problem(statusCode: StatusCodes.Status502BadGateway, title: "prospect-editor refused the request",
                detail: "activity-tracker could not reach the prospect through prospect-editor, and a retry will not help until an operator "
                    + "fixes the deployment (the logs say why); nothing was recorded.");
        }
    }

    private static ILogger Logger(HttpContext http) =>
        http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Sync.ActivityTracker.ProspectEditor");

    [LoggerMessage(EventId = 5121, Level = LogLevel.Warning, Message = "prospect-editor unavailable for {Method} {Path}: answered 503")]
    private static partial void LogProspectEditorUnavailable(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(EventId = 5122, Level = LogLevel.Error,
        Message = "prospect-editor refused {Method} {Path} with {Status} ({ProblemType}): answered 502; check Services:ProspectEditor:Url and its API key")]
    private static partial void LogProspectEditorRefused(ILogger logger, Exception exception, int status, string? problemType, string method, string path);
}
