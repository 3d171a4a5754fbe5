using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Sync.Clients.ProspectEditor;

namespace Sync.Clients.Tests;

public sealed class ProspectEditorClientRetryTests
{
    private const string Prospect = """{"id":7,"email":"rowe@example.com","revision":1,"createdAt":"2026-01-01T00:00:00Z","updatedAt":"2026-01-01T00:00:00Z"}""";

    private static ServiceProvider ProspectEditor(HttpMessageHandler handler, TimeSpan? timeout = null)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddProspectEditorHttpClient();
        services.Configure<ProspectEditorClientOptions>(options =>
        {
            options.Url = new Uri("http://prospect-editor.invalid");
            options.ApiKey = "test-api-key";
            options.RetryDelay = TimeSpan.FromMilliseconds(10);
            options.Timeout = timeout ?? options.Timeout;
        });
        services.ConfigureHttpClientDefaults(http => http.ConfigurePrimaryHttpMessageHandler(() => handler));
        return services.BuildServiceProvider();
    }

    private static ScriptedHandler UnavailableOnceThen(string json) => new(
        () => ScriptedHandler.Status(HttpStatusCode.ServiceUnavailable),
        () => ScriptedHandler.Json(json));

    [Fact]
    public async Task AGetIsRetriedOnceAfterATransient503()
    {
        var editor = UnavailableOnceThen(Prospect);
        await using var services = ProspectEditor(editor);

        var prospect = await services.GetRequiredService<IProspectEditorClient>().Get(7, CancellationToken.None);

        Assert.Equal(7, prospect?.Id);
        Assert.Equal(2, editor.Sent);
    }

    [Fact]
    public async Task ALookupOfManyIsRetriedOnceAfterATransient503()
    {
        var editor = UnavailableOnceThen($$"""{"prospects":[{{Prospect}}],"missing":[]}""");
        await using var services = ProspectEditor(editor);

        var found = await services.GetRequiredService<IProspectEditorClient>().GetMany([7], CancellationToken.None);

        Assert.Equal(7, Assert.Single(found.Prospects).Id);
        Assert.Equal(2, editor.Sent);
    }

    [Fact]
    public async Task AGetIsRetriedOnlyOnce()
    {
        var editor = new ScriptedHandler(() => ScriptedHandler.Status(HttpStatusCode.ServiceUnavailable));
        await using var services = ProspectEditor(editor);

        var failure = await Assert.ThrowsAsync<ProspectEditorException>(() =>
            services.GetRequiredService<IProspectEditorClient>().Get(7, CancellationToken.None));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, failure.Status);
        Assert.Equal(2, editor.Sent);
    }

    [Fact]
    public async Task AnUnsubscribeIsNotRetriedAfterATransient503()
    {
        var editor = UnavailableOnceThen(Prospect);
        await using var services = ProspectEditor(editor);

        var failure = await Assert.ThrowsAsync<ProspectEditorException>(() =>
            services.GetRequiredService<IProspectEditorClient>().Unsubscribe(7, CancellationToken.None));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, failure.Status);
        Assert.Equal(1, editor.Sent);
    }

    [Fact]
    public async Task SyncWriteBacksAreNotRetriedAfterATransient503()
    {
        var editor = UnavailableOnceThen("""{"prospects":[],"missing":[]}""");
        await using var services = ProspectEditor(editor);

        await Assert.ThrowsAsync<ProspectEditorException>(() =>
            services.GetRequiredService<IProspectEditorClient>().ApplySyncWrites([], CancellationToken.None));

        Assert.Equal(1, editor.Sent);
    }

    [Fact]
    public async Task AnAttemptThatOutlastsTheTimeoutFailsAsAnHttpClientTimeoutAfterItsOneRetry()
    {
        var editor = new SilentHandler();
        await using var services = ProspectEditor(editor, timeout: TimeSpan.FromMilliseconds(300));

        var failure = await Assert.ThrowsAsync<TaskCanceledException>(() =>
            services.GetRequiredService<IProspectEditorClient>().Get(7, CancellationToken.None));

        Assert.IsType<TimeoutException>(failure.InnerException);
        Assert.Equal(2, editor.Sent);
    }

    /// <summary>Never answers: every attempt lasts until it is cancelled.</summary>
    private sealed class SilentHandler : HttpMessageHandler
    {
        private int _sent;

        public int Sent => Volatile.Read(ref _sent);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _sent);
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("unreachable");
        }
    }
}
