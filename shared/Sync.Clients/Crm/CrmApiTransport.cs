using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;

namespace Sync.Clients.Crm;

/// <summary>
/// One HTTP call to the CRM's REST API, and what its failure means: an exception type per kind of failure, so a caller
/// tells a retry apart from a request that will never succeed. It never retries: a retry spends allowance.
/// </summary>
internal sealed class CrmApiTransport(IHttpClientFactory httpClients, IOptions<CrmClientOptions> options)
{
    public const string HttpClientName = "Sync.Crm";
    public const string ApiPath = "services/data/v60.0/";

    /// <summary>One HTTP call: the answer's body and the usage the CRM reported on that answer.</summary>
    public async Task<(JsonNode? Body, CrmApiUsage? Usage)> Send(
        HttpMethod method, string resource, JsonNode? body, CancellationToken cancellationToken, long? feedPosition = null)
    {
        var http = httpClients.CreateClient(HttpClientName);
        using var request = new HttpRequestMessage(method, resource);
        if (body is not null)
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        var what = $"{method} {resource.Split('?')[0]}";

        string text;
        HttpStatusCode status;
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            status = response.StatusCode;
            text = await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CrmTransientException($"The CRM did not answer {what} within {options.Value.Timeout.TotalSeconds:0.###} s.", exception);
        }
        catch (HttpRequestException exception)
        {
            throw new CrmTransientException($"The CRM could not be reached for {what}: {exception.HttpRequestError}.", exception);
        }
        catch (BrokenCircuitException exception)
        {
            throw new CrmTransientException(
                $"{what} was not sent: the CRM failed too often of late, and calls wait {options.Value.CircuitBreaker.BreakDuration.TotalSeconds:0.###} s before one is tried again.", exception);
        }

        var usage = request.Options.TryGetValue(CrmApiUsageHandler.AnsweredUsage, out var answered) ? answered : null;
        if ((int)status is >= 200 and < 300)
            return (text.Length == 0 ? null : JsonNode.Parse(text), usage);
        throw await Failure(what, status, text, usage, feedPosition, cancellationToken);
    }

    private async Task<Exception> Failure(
        string what, HttpStatusCode status, string text, CrmApiUsage? usage, long? feedPosition, CancellationToken cancellationToken)
    {
        var errors = CrmErrorJson.Errors(text, status);
        var first = errors.Count > 0 ? errors[0] : new ParsedCrmError(new CrmError($"HTTP_{(int)status}", "", []), null);
        var summary = CrmErrorJson.Summary((int)status, errors.Select(error => error.Error));

        if (first.ErrorCode == "REQUEST_LIMIT_EXCEEDED")
        {
            if (first.Message.Contains("Concurrent", StringComparison.OrdinalIgnoreCase))
                return new CrmTransientException($"The CRM refused {what}: too many requests at once ({summary}).");
            return new CrmRequestLimitExceededException(usage, await ResetTime(cancellationToken));
        }
        if (first.ErrorCode == "REPLAY_ID_EXPIRED" && feedPosition is { } requested)
            return new CrmFeedCursorExpiredException(requested, first.OldestPosition);
        if (status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500)
            return new CrmTransientException($"The CRM answered {what} with {summary}.");
        return new CrmRequestException($"The CRM refused {what}: {summary}.", [.. errors.Select(error => error.Error)], status);
    }

    // Salesforce does not say when the allowance resets; the limits resource of this CRM does, and costs nothing.
    private async Task<DateTimeOffset?> ResetTime(CancellationToken cancellationToken)
    {
        try
        {
            return CrmRecordJson.Limits((await Send(HttpMethod.Get, "limits", null, cancellationToken)).Body).ResetsAt;
        }
        catch (Exception exception) when (exception is CrmTransientException or CrmRequestException or JsonException)
        {
            return null;
        }
    }
}
