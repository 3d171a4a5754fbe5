using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Sync.ActivityTracker.Tests;

/// <summary>prospect-editor's answers never reach a public caller as they are: its 400 becomes the tracker's, the rest a 502.</summary>
public sealed class ProspectEditorRefusalTests(TrackerFixture tracker) : IClassFixture<TrackerFixture>
{
    [Fact]
    public async Task AValueProspectEditorRefusesAnswersTheTrackersOwn400NamingTheField()
    {
        await using var roomy = await TrackerFixture.StartTracker(tracker.Broker, tracker.Redis, tracker.Editor.Address,
            new Dictionary<string, string?> { ["Tracking:MaxBodyBytes"] = "65536" });
        var mark = await tracker.Published.Mark();

        var response = await roomy.Http.PostAsJsonAsync("forms/contact/submissions",
            new { email = TrackerFixture.UniqueEmail(), fields = new { company = new string('c', 5000) } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("fields.company", out _), problem.ToString());
        Assert.StartsWith("POST /forms/contact/submissions", problem.GetProperty("instance").GetString());
        await tracker.WaitUntilEverythingPublished();
        Assert.Empty(await tracker.Published.Since(mark));
    }

    [Fact]
    public async Task AKeyProspectEditorRefusesIsA502NotThe401()
    {
        await using var wrongKey = await TrackerFixture.StartTracker(tracker.Broker, tracker.Redis, tracker.Editor.Address,
            new Dictionary<string, string?> { ["Services:ProspectEditor:ApiKey"] = "not-prospect-editors-key" });

        var response = await wrongKey.Http.PostAsJsonAsync("forms/contact/submissions", new { email = TrackerFixture.UniqueEmail() });

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Null(response.Headers.RetryAfter);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("prospect-editor refused the request", problem.GetProperty("title").GetString());
        Assert.DoesNotContain("API key", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task AWrongProspectEditorAddressIsA502NotAnUnknownProspect()
    {
        var prospect = await tracker.CreateProspect();
        await using var misdirected = await TrackerFixture.StartTracker(tracker.Broker, tracker.Redis, new Uri(tracker.Editor.Address, "not-prospect-editor/"));

        var open = await misdirected.Http.PostAsJsonAsync("emails/e-1/opens", new { prospectId = prospect.Id });
        var unsubscribe = await misdirected.Http.PostAsJsonAsync("unsubscribes", new { prospectId = prospect.Id });

        Assert.Equal(HttpStatusCode.BadGateway, open.StatusCode);
        Assert.Equal(HttpStatusCode.BadGateway, unsubscribe.StatusCode);
    }
}
