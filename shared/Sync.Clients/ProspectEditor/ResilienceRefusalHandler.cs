using Polly;
using Polly.Timeout;

namespace Sync.Clients.ProspectEditor;

/// <summary>
/// Turns the resilience pipeline's refusals into the exceptions an HttpClient throws, which callers already treat as
/// prospect-editor being unavailable: a timed-out attempt as a <see cref="TaskCanceledException"/> (as HttpClient's own
/// timeout), an open circuit or a full queue as an <see cref="HttpRequestException"/>.
/// </summary>
internal sealed class ResilienceRefusalHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await base.SendAsync(request, cancellationToken);
        }
        catch (TimeoutRejectedException timeout)
        {
            throw new TaskCanceledException($"prospect-editor did not answer {request.Method} {request.RequestUri?.AbsolutePath} within {timeout.Timeout.TotalSeconds:0.###} s.",
                new TimeoutException(timeout.Message, timeout));
        }
        catch (ExecutionRejectedException refused)
        {
            throw new HttpRequestException($"{request.Method} {request.RequestUri?.AbsolutePath} was not sent to prospect-editor: {refused.Message}", refused);
        }
    }
}
