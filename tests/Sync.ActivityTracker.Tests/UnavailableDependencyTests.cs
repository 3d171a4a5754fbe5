using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Sync.ActivityTracker.Storage;
using Sync.ActivityTracker.Tracking;
using Sync.Testing;

namespace Sync.ActivityTracker.Tests;

/// <summary>A 2xx means the event is safe: with the broker or prospect-editor away, the answer is 503 with Retry-After.</summary>
public sealed class UnavailableDependencyTests : IAsyncLifetime
{
    private readonly TrackerFixture _tracker = new();

    public Task InitializeAsync() => _tracker.InitializeAsync();

    public Task DisposeAsync() => _tracker.DisposeAsync();

    [Fact]
    public async Task WithTheBrokerAwayAnActivityIsRefusedWith503AndAcceptedOnceItIsBack()
    {
        var prospect = await _tracker.CreateProspect();
        await _tracker.Broker.BeginOutage();

        var refused = await _tracker.Operator.PostAsJsonAsync("emails/e-1/opens", new { prospectId = prospect.Id });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Equal("Message broker unavailable", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());

        await _tracker.Broker.EndOutage();
        var accepted = await Eventually.Until(async () =>
        {
            var response = await _tracker.Operator.PostAsJsonAsync("emails/e-1/opens", new { prospectId = prospect.Id });
            return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<ActivityAccepted>() : null;
        }, "the broker to take activity again", TimeSpan.FromSeconds(45));
        Assert.True(accepted.Published);
        await _tracker.Published.WaitFor<Contracts.ProspectActivityRecorded>(activity => activity.EventId == accepted.EventId, "the accepted open");
    }

    [Fact]
    public async Task AnActivityTheBrokerConfirmedIsAcceptedThoughRedisFailsToKeepItInTheVisitorsHistory()
    {
        var visitorId = TrackerFixture.NewVisitorId();
        await using var tracker = await TrackerFixture.StartTracker(_tracker.Broker, _tracker.Redis, _tracker.Editor.Address, replaceServices: builder =>
            builder.Services.AddSingleton<IVisitorStore>(services => new HistoryFailingVisitorStore(
                ActivatorUtilities.CreateInstance<RedisVisitorStore>(services))));
        var form = await tracker.Http.PostAsJsonAsync("forms/contact/submissions", new { email = TrackerFixture.UniqueEmail("history"), visitorId });

        // Retrying on a 503 would send the submission again; without an Idempotency-Key, as another event.
        Assert.Equal(HttpStatusCode.Accepted, form.StatusCode);
        var accepted = (await form.Content.ReadFromJsonAsync<ActivityAccepted>())!;
        await _tracker.Published.WaitFor<Contracts.ProspectActivityRecorded>(activity => activity.EventId == accepted.EventId, "the submission");
    }

    /// <summary>A visitor store whose history writes fail as Redis away would; links and reads work.</summary>
    private sealed class HistoryFailingVisitorStore(IVisitorStore inner) : IVisitorStore
    {
        public Task<Visitor> Get(string visitorId, CancellationToken cancellationToken) => inner.Get(visitorId, cancellationToken);

        public Task Link(string visitorId, long prospectId, DateTimeOffset at, CancellationToken cancellationToken) =>
            inner.Link(visitorId, prospectId, at, cancellationToken);

        public Task SetOptedOut(string visitorId, bool optedOut, CancellationToken cancellationToken) => inner.SetOptedOut(visitorId, optedOut, cancellationToken);

        public Task Record(string visitorId, VisitorActivity activity, CancellationToken cancellationToken) =>
            throw new StackExchange.Redis.RedisConnectionException(StackExchange.Redis.ConnectionFailureType.SocketFailure, StackExchange.Redis.CommandFlags.None, "Redis is away (a test's outage)");

        public Task<IReadOnlyList<VisitorActivity>> Activity(string visitorId, int limit, CancellationToken cancellationToken) =>
            inner.Activity(visitorId, limit, cancellationToken);
    }

    [Fact]
    public async Task WithProspectEditorUnreachableAFormSubmissionAnswers503AndPublishesNothing()
    {
        var nowhere = new Uri($"http://127.0.0.1:{FreePorts.Next()}/");
        await using var orphan = await TrackerFixture.StartTracker(_tracker.Broker, _tracker.Redis, nowhere);

        var response = await orphan.Http.PostAsJsonAsync("forms/contact/submissions", new { email = TrackerFixture.UniqueEmail() });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Equal("prospect-editor unavailable", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());
        Assert.Empty(await _tracker.Published.All<Contracts.ProspectActivityRecorded>());
    }
}
