using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace Sync.SyncWorker.Tests.RealServices;

/// <summary>
/// Every answer the worker's CRM client received from the CRM's API, as it went over the wire: what a test holds the
/// worker to (no REQUEST_LIMIT_EXCEEDED, the injected 503s reached it). It can also act just before the worker's next
/// record write leaves, so a test can strike that very call.
/// </summary>
public sealed class CrmTraffic
{
    private const string ApiPath = "/services/data/";

    private readonly ConcurrentQueue<CrmAnswer> _answers = new();
    private Func<Task>? _beforeNextWrite;

    public IReadOnlyList<CrmAnswer> Answers => [.. _answers];

    /// <summary>Answers to charged calls: everything but the limits resource and the change feed.</summary>
    public IReadOnlyList<CrmAnswer> Charged => [.. _answers.Where(answer => answer.Charged)];

    public int Refusals(string errorCode) => _answers.Count(answer => answer.ErrorCode == errorCode);

    /// <summary>Runs <paramref name="action"/> once, just before the worker's next create or update of records is sent.</summary>
    public void BeforeNextWrite(Func<Task> action) => Volatile.Write(ref _beforeNextWrite, action);

    /// <summary>Observes the HTTP clients of the host's services; only calls to a CRM API path are recorded.</summary>
    public void Observe(IServiceCollection services) =>
        services.ConfigureHttpClientDefaults(http => http.AddHttpMessageHandler(() => new Recorder(this)));

    private sealed class Recorder(CrmTraffic traffic) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var path = request.RequestUri?.AbsolutePath ?? "";
            if (!path.StartsWith(ApiPath, StringComparison.Ordinal))
                return await base.SendAsync(request, cancellationToken);

            // Collections carry "records"; the lookups' composite carries only queries.
            var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
            if (body.Contains("\"records\"", StringComparison.Ordinal) && Interlocked.Exchange(ref traffic._beforeNextWrite, null) is { } action)
                await action();

            var response = await base.SendAsync(request, cancellationToken);
            var status = (int)response.StatusCode;
            string? errorCode = null;
            if (status >= 400)
            {
                await response.Content.LoadIntoBufferAsync(cancellationToken);
                errorCode = ErrorCode(await response.Content.ReadAsStringAsync(cancellationToken));
            }
            var charged = !path.EndsWith("/limits", StringComparison.Ordinal) && !path.EndsWith("/changes", StringComparison.Ordinal);
            traffic._answers.Enqueue(new CrmAnswer(request.Method.Method, path[ApiPath.Length..], status, errorCode, charged));
            return response;
        }

        private static string? ErrorCode(string body)
        {
            try
            {
                using var json = JsonDocument.Parse(body);
                return json.RootElement is { ValueKind: JsonValueKind.Array } errors && errors.GetArrayLength() > 0
                    && errors[0].TryGetProperty("errorCode", out var code) ? code.GetString() : null;
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }
}

/// <param name="Path">Relative to /services/data/, such as "v60.0/composite".</param>
public sealed record CrmAnswer(string Method, string Path, int Status, string? ErrorCode, bool Charged);
