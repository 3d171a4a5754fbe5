using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Retry;

namespace Sync.Clients.ProspectEditor;

/// <summary>
/// Which prospect-editor calls are sent again after a transient failure: the reads only (every GET, and the POST of
/// prospects/lookup, a read). A write is never sent twice by the client: an unsubscribe, a resolve that may create, or
/// sync write-backs would happen twice when the first attempt was done and only its answer lost.
/// </summary>
internal static class ProspectEditorRetries
{
    private static readonly HttpRequestOptionsKey<bool> Idempotent = new("Sync.ProspectEditor.Idempotent");

    /// <summary>Marks a request that is not a GET as safe to send again.</summary>
    public static void MarkIdempotent(HttpRequestMessage request) => request.Options.Set(Idempotent, true);

    public static bool IsIdempotent(HttpRequestMessage? request) =>
        request is not null && (request.Method == HttpMethod.Get || (request.Options.TryGetValue(Idempotent, out var marked) && marked));

    public static ValueTask<bool> ShouldRetry(RetryPredicateArguments<HttpResponseMessage> attempt) =>
        ValueTask.FromResult(IsIdempotent(attempt.Context.GetRequestMessage()) && HttpClientResiliencePredicates.IsTransient(attempt.Outcome));
}
