using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sync.CrmChangeListener.Feed;
using Sync.CrmChangeListener.Tests.Support;
using Sync.CrmSimulator.Tests.Support;
using Sync.Testing;
using Sync.Testing.Hosting;

namespace Sync.CrmChangeListener.Tests;

/// <summary>
/// prospect-editor answering with an error is a failure, never "no prospect": the change is retried from the saved position,
/// with a back-off that grows, the failure in the status — and published once prospect-editor answers again.
/// </summary>
public sealed class ProspectEditorFailureTests : IAsyncLifetime
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromMilliseconds(500);

    private readonly FakeProspectEditor _prospects = new();
    private readonly CapturedLogs _logs = new();
    private ServerLane _lane = null!;
    private IsolatedVirtualHost _broker = null!;
    private IsolatedKeyPrefix _redis = null!;
    private SimulatorHost _crm = null!;
    private ListenerHost _listener = null!;

    public async Task InitializeAsync()
    {
        _lane = await TestLane.Servers("crm-listener-editor-failure");
        (_broker, _redis) = (_lane.Broker, _lane.Redis);
        _crm = await SimulatorHost.Start(_redis.Settings);
        _listener = await ListenerHost.Start(_broker, _redis, _crm, _prospects,
            new Dictionary<string, string?>
            {
                ["CrmFeed:FirstRetryDelay"] = FirstRetryDelay.ToString(),
                ["CrmFeed:MaxRetryDelay"] = MaxRetryDelay.ToString(),
            },
            services => services.AddSingleton<ILoggerProvider>(_logs));
    }

    public async Task DisposeAsync()
    {
        await _listener.DisposeAsync();
        await _crm.DisposeAsync();
        await _lane.DisposeAsync();
    }

    [Theory]
    [InlineData(HttpStatusCode.Unauthorized, "{\"title\":\"The X-Api-Key header is missing or wrong.\"}", "API key")]
    [InlineData(HttpStatusCode.Forbidden, "", "API key")]
    [InlineData(HttpStatusCode.NotFound, "<html>Cannot GET /prospects</html>", "Services:ProspectEditor:Url")]
    [InlineData(HttpStatusCode.InternalServerError, "", "prospect-editor answered 500")]
    [InlineData(HttpStatusCode.BadRequest, "{\"title\":\"Bad Request\",\"errors\":{\"$\":[\"Malformed query string.\"]}}", "prospect-editor answered 400")]
    public async Task AChangeWhoseProspectLookupFailsIsRetriedNotSkippedAndPublishedOnceProspectEditorAnswers(HttpStatusCode status, string body, string reported)
    {
        var email = SimulatorHost.NewEmail("refused");
        _prospects.Add(email, 9001);
        _prospects.Fail(status, body);

        var leadId = await _crm.CreateLead("Refused", email);
        var position = await _crm.Head();

        var failing = await UntilFailures(2);
        Assert.Equal("Retrying", failing.State);
        Assert.True(failing.Position < position, $"the listener moved past change {position}: at {failing.Position}");
        Assert.True(await SavedPosition() is null or < 1, "the saved position moved past the change");
        Assert.DoesNotContain("NoProspect", failing.Skipped.Keys);
        Assert.Contains(reported, failing.LastError, StringComparison.Ordinal);
        Assert.DoesNotContain(email, failing.LastError, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(await PublishedFor(leadId));

        _prospects.Recover();

        var published = await Eventually.Until(async () => await PublishedFor(leadId) is { Count: 1 } found ? found : null, "the change to be published once prospect-editor answers");
        Assert.Equal(9001, published[0].ProspectId);
        await _listener.AtPosition(position);
        var recovered = await Eventually.Until(async () => await _listener.Status() is { State: "AtHead" } atHead ? atHead : null, "the listener to be at the head again");
        Assert.Equal(0, recovered.ConsecutiveFailures);
        Assert.Null(recovered.RetryDelay);
        Assert.DoesNotContain("NoProspect", recovered.Skipped.Keys);
    }

    [Fact]
    public async Task RepeatedFailuresLaterInTheBatchWaitLongerEachTimeAndAreLoggedOnce()
    {
        _prospects.Fail(HttpStatusCode.InternalServerError, "");
        await _crm.CreateLead("Backoff", SimulatorHost.NewEmail("backoff"));

        // With the back-off reset by every successful feed read, the count never passed 1.
        var failing = await UntilFailures(4);

        // Each attempt reads the feed and asks prospect-editor once, then waits before the next: 50, 100, 200, 400 ms (±20%).
        var expected = Math.Min(FirstRetryDelay.TotalMilliseconds * Math.Pow(2, failing.ConsecutiveFailures - 1), MaxRetryDelay.TotalMilliseconds);
        Assert.InRange(failing.RetryDelay!.Value.TotalMilliseconds, expected * 0.8, expected * 1.2);
        Assert.InRange(_prospects.Lookups, failing.ConsecutiveFailures, failing.ConsecutiveFailures + 1);
        var warnings = _logs.Entries.Where(entry => entry.Category == typeof(CrmFeedFollower).FullName && entry.Level >= LogLevel.Warning).ToList();
        var warning = Assert.Single(warnings);
        Assert.Contains("prospect-editor answered 500", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAddressProspectEditorRefusesAsNotAnAddressBelongsToNoProspect()
    {
        _prospects.Fail(HttpStatusCode.BadRequest,
            "{\"type\":\"https://tools.ietf.org/html/rfc9110#section-15.5.1\",\"title\":\"The request is not valid\",\"status\":400,\"errors\":{\"email\":[\"The value is not a valid e-mail address.\"]}}");
        var leadId = await _crm.CreateLead("NotAnAddress", SimulatorHost.NewEmail("refused"));

        await _listener.AtPosition(await _crm.Head());

        var status = await _listener.Status();
        Assert.Equal(1, status.Skipped["NoProspect"]);
        Assert.Equal(0, status.ConsecutiveFailures);
        Assert.Null(status.LastError);
        Assert.Empty(await PublishedFor(leadId));
    }

    [Fact]
    public async Task AnAddressTheCrmTakesButNoProspectCanHaveIsSkippedWithoutAskingProspectEditor()
    {
        var leadId = await _crm.CreateLead("DoubleDot", $"ada..{Guid.NewGuid():N}@example.com");

        await _listener.AtPosition(await _crm.Head());

        Assert.Equal(1, (await _listener.Status()).Skipped["NoProspect"]);
        Assert.Equal(0, _prospects.Lookups);
        Assert.Empty(await PublishedFor(leadId));
    }

    private Task<FeedStatus> UntilFailures(int count) =>
        Eventually.Until(async () => await _listener.Status() is { ConsecutiveFailures: var failures } status && failures >= count ? status : null,
            $"{count} failed attempts in a row", TimeSpan.FromSeconds(15));

    private async Task<long?> SavedPosition() =>
        (long?)await _redis.Database.StringGetAsync($"{_redis.Prefix}:crm-change-listener:feed-cursor");

    private async Task<IReadOnlyList<PublishedChange>> PublishedFor(string recordId) =>
        [.. (await PublishedChange.InQueue(_broker)).Where(change => change.CrmRecordId == recordId)];
}
