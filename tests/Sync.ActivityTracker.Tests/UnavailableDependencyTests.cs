using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
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
