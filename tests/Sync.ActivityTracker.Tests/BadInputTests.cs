using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sync.ProspectEditor.Tests.Support;
using Sync.Testing;
using Sync.Testing.Hosting;

namespace Sync.ActivityTracker.Tests;

/// <summary>
/// Bad input to activity-tracker (JSON or form fields) is a 4xx problem naming what is wrong: no prospect is created for it
/// and no error is logged.
/// </summary>
public sealed class BadInputTests : IAsyncLifetime
{
    private readonly LoggedErrors _errors = new();
    private ServerLane _lane = null!;
    private IsolatedVirtualHost _broker = null!;
    private IsolatedKeyPrefix _redis = null!;
    private TestServiceHost _editor = null!;
    private TestServiceHost _tracker = null!;

    public async Task InitializeAsync()
    {
        _lane = await TestLane.Servers("tracker-bad-input");
        (_broker, _redis) = (_lane.Broker, _lane.Redis);
        _editor = await EditorHost.Start(TestSettings.Combine(_broker.Settings, _redis.Settings, TrackerFixture.Common), TrackerFixture.ApiKey);
        // Large enough for a form of 1,100 fields, so it is the field count that is refused, not the size.
        _tracker = await TrackerFixture.StartTracker(_broker, _redis, _editor.Address, new Dictionary<string, string?> { ["Tracking:MaxBodyBytes"] = "65536" },
            builder => builder.Services.AddSingleton<ILoggerProvider>(_errors));
    }

    public async Task DisposeAsync()
    {
        await _tracker.DisposeAsync();
        await _editor.DisposeAsync();
        await _lane.DisposeAsync();
    }

    [Theory]
    [MemberData(nameof(BadInput.JsonClasses), MemberType = typeof(BadInput))]
    public async Task MalformedJsonSubmissionIsRefusedAndCreatesNoProspect(string badClass)
    {
        var email = TrackerFixture.UniqueEmail("bad-json");
        var (content, status, detail) = BadInput.JsonBody(badClass, "email", $"\"{email}\"");

        using var response = await _tracker.Http.PostAsync("forms/contact-us/submissions", content);

        await BadInput.AssertProblem(response, status, detail);
        await AssertNoProspect(email);
    }

    [Theory]
    [MemberData(nameof(BadInput.FormClasses), MemberType = typeof(BadInput))]
    public async Task MalformedFormSubmissionIsA400AndCreatesNoProspect(string badClass)
    {
        var email = TrackerFixture.UniqueEmail("bad-form");
        var (content, detail) = BadInput.FormBody(badClass, $"email={Uri.EscapeDataString(email)}");

        using var response = await _tracker.Http.PostAsync("form-handlers/webinar/submissions", content);

        await BadInput.AssertProblem(response, StatusCodes.Status400BadRequest, detail);
        await AssertNoProspect(email);
    }

    [Theory]
    [MemberData(nameof(BadInput.FormClasses), MemberType = typeof(BadInput))]
    public async Task MalformedUnsubscribeFormIsA400(string badClass)
    {
        var (content, detail) = BadInput.FormBody(badClass, "List-Unsubscribe=One-Click");

        using var response = await _tracker.Http.PostAsync("unsubscribes?prospectId=1&emailId=e-1&token=t", content);

        await BadInput.AssertProblem(response, StatusCodes.Status400BadRequest, detail);
        Assert.Empty(_errors.Entries);
    }

    [Fact]
    public async Task OperatorEndpointChecksTheKeyBeforeTheCharset()
    {
        using var anonymous = new HttpClient { BaseAddress = _tracker.Address };
        const string link = """{"target":"https://example.com","prospectId":1,"kind":"customRedirect"}""";

        using var keyless = await anonymous.PostAsync("links", BadInput.Json(link, "application/json; charset=bogus"));
        using var keyed = await _tracker.Http.PostAsync("links", BadInput.Json(link, "application/json; charset=bogus"));

        await BadInput.AssertProblem(keyless, StatusCodes.Status401Unauthorized, "X-Api-Key");
        await BadInput.AssertProblem(keyed, StatusCodes.Status415UnsupportedMediaType, "'bogus'");
        Assert.Empty(_errors.Entries);
    }

    private async Task AssertNoProspect(string email)
    {
        using var found = await _editor.Http.GetAsync($"prospects?email={Uri.EscapeDataString(email)}");
        Assert.Equal(HttpStatusCode.NotFound, found.StatusCode);
        Assert.Empty(_errors.Entries);
    }
}
