using System.Globalization;
using StackExchange.Redis;
using Sync.CrmSimulator.Errors;
using Sync.CrmSimulator.Faults;
using Sync.CrmSimulator.Limits;
using Sync.CrmSimulator.Users;

namespace Sync.CrmSimulator.Apis.Salesforce;

/// <summary>
/// What stands before every resource of the Salesforce-shaped API, in Salesforce's order: the session (401
/// INVALID_SESSION_ID), the concurrent-requests cap, injected faults, then the daily allowance (403 REQUEST_LIMIT_EXCEEDED
/// once spent). Every answer to a signed-in user carries Sforce-Limit-Info with the day's usage.
/// </summary>
public sealed partial class SalesforceRequestFilter(
    CrmUsers users, ConcurrencyGate gate, FaultInjector faults, ApiAllowance allowance, TimeProvider time, ILogger<SalesforceRequestFilter> logger)
    : IEndpointFilter
{
    public const string UserItem = "Sync.CrmSimulator.User";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var route = http.GetEndpoint()?.Metadata.GetMetadata<SalesforceRoute>();
        if (users.Authenticate(http.Request.Headers.Authorization) is not { } user)
            return Answer(SalesforceResult.Error(StatusCodes.Status401Unauthorized, CrmApiError.InvalidSession()));
        http.Items[UserItem] = user;

        var writing = false;
        using var slot = gate.TryEnter();
        if (slot is null)
        {
            LogConcurrencyCapReached(logger, gate.Max, http.Request.Method, http.Request.Path);
            http.Response.Headers.RetryAfter = "1";
            return Answer(SalesforceResult.Error(StatusCodes.Status403Forbidden, CrmApiError.ConcurrentRequestsExceeded()));
        }

        try
        {
            var fault = faults.Next();
            if (fault.Latency > TimeSpan.Zero)
                await Task.Delay(fault.Latency, time, http.RequestAborted);
            if (fault.StrikesBefore)
                return await Strike(fault, http, time);

            var usage = route?.Charged == false ? await allowance.Current(http.RequestAborted) : await allowance.Charge(http.RequestAborted);
            http.Response.Headers[ApiAllowance.LimitInfoHeader] = usage.HeaderValue;
            if (!usage.Accepted && route?.Charged != false)
                return Answer(SalesforceResult.Error(StatusCodes.Status403Forbidden, CrmApiError.TotalRequestsExceeded()));

            writing = !HttpMethods.IsGet(http.Request.Method);
            var result = await next(context);
            return fault.StrikesAfter ? await Strike(fault, http, time) : result;
        }
        catch (CompositeInterruptedException interrupted)
        {
            return StoreUnavailable(http, interrupted.InnerException!, interrupted.Message);
        }
        catch (Exception exception) when (exception is RedisException or RedisTimeoutException)
        {
            // A write is one atomic commit of the store: a lost connection leaves it applied entirely or not at all, and the
            // caller cannot tell which without reading, as with Salesforce.
            return StoreUnavailable(http, exception, writing
                ? "The CRM's store became unavailable while saving: the change was saved entirely or not at all. Read the records before retrying."
                : "The CRM's store is unavailable; nothing was changed. Retry shortly.");
        }
    }

    private SalesforceHttpResult StoreUnavailable(HttpContext http, Exception exception, string message)
    {
        LogStoreUnavailable(logger, exception, http.Request.Method, http.Request.Path);
        http.Response.Headers.RetryAfter = "5";
        return Answer(SalesforceResult.Error(StatusCodes.Status503ServiceUnavailable, CrmApiError.ServerUnavailable(message)));
    }

    public static SalesforceHttpResult Answer(SalesforceResult result) => new(result);

    private static async Task<object?> Strike(InjectedFault fault, HttpContext http, TimeProvider time)
    {
        if (fault.Kind == FaultKind.Transient)
        {
            http.Response.Headers.RetryAfter = "1";
            return Answer(SalesforceResult.Error(StatusCodes.Status503ServiceUnavailable,
                CrmApiError.ServerUnavailable("The CRM is temporarily unavailable (injected fault). Retry shortly.")));
        }

        try
        {
            await Task.Delay(fault.Hold, time, http.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            // The caller gave up first, as callers of a stuck server do.
            return TypedResults.Empty;
        }
        if (fault.Behaviour == TimeoutBehaviour.Drop)
        {
            http.Abort();
            return TypedResults.Empty;
        }
        return Answer(SalesforceResult.Error(StatusCodes.Status504GatewayTimeout,
            new CrmApiError("GATEWAY_TIMEOUT", string.Create(CultureInfo.InvariantCulture, $"The CRM did not answer within {fault.Hold.TotalSeconds:0.###} s (injected fault)."))));
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "Refused {Method} {Path}: {MaxConcurrentRequests} requests are already running")]
    private static partial void LogConcurrencyCapReached(ILogger logger, int maxConcurrentRequests, string method, string path);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Answered 503 to {Method} {Path}: Redis is unavailable")]
    private static partial void LogStoreUnavailable(ILogger logger, Exception exception, string method, string path);
}
