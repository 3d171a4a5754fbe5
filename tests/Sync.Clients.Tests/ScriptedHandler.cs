using System.Net;
using System.Text;

namespace Sync.Clients.Tests;

/// <summary>Stands in for the server: answers each request with the next scripted answer (the last one repeats) and counts them.</summary>
public sealed class ScriptedHandler(params Func<HttpResponseMessage>[] answers) : HttpMessageHandler
{
    private int _sent;

    public int Sent => Volatile.Read(ref _sent);

    public static HttpResponseMessage Status(HttpStatusCode status) => new(status) { Content = new StringContent("") };

    public static HttpResponseMessage Json(string json, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var sent = Interlocked.Increment(ref _sent);
        return Task.FromResult(answers[Math.Min(sent, answers.Length) - 1]());
    }
}
