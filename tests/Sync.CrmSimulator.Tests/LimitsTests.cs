using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Sync.CrmSimulator.Tests.Support;

namespace Sync.CrmSimulator.Tests;

/// <summary>The daily allowance: counted on charged calls, reported on every answer, enforced, and reset at the CRM's day boundary.</summary>
public sealed class LimitsTests(LimitsTests.Fixture fixture) : IClassFixture<LimitsTests.Fixture>, IAsyncLifetime
{
    private SimulatorHost Crm => fixture.Crm;

    public async Task InitializeAsync()
    {
        await Crm.AdminSend(HttpMethod.Put, "admin/clock", new { offset = "00:00:00" });
        await Crm.SetLimits(new { dailyApiRequests = 1000, used = 0 });
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task EveryAnswerReportsTheUsageAndOnlyChargedCallsCount()
    {
        using var first = await Crm.Sales.GetAsync("sobjects/Lead/describe");
        using var limits = await Crm.Sales.GetAsync("limits");
        using var changes = await Crm.Sales.GetAsync("changes?after=0&limit=1");
        using var failed = await Crm.Sales.GetAsync("sobjects/Lead/00QSy0000099999IAA");

        Assert.Equal("api-usage=1/1000", LimitInfo(first));
        Assert.Equal("api-usage=1/1000", LimitInfo(limits));
        Assert.Equal("api-usage=1/1000", LimitInfo(changes));
        Assert.Equal(HttpStatusCode.NotFound, failed.StatusCode);
        Assert.Equal("api-usage=2/1000", LimitInfo(failed));
    }

    [Fact]
    public async Task TheLimitsResourceReportsTheAllowanceAndWhenItResets()
    {
        await Crm.SetLimits(new { used = 250 });

        var limits = await Crm.Sales.GetFromJsonAsync<JsonElement>("limits");

        var daily = limits.GetProperty("DailyApiRequests");
        Assert.Equal(1000, daily.GetProperty("Max").GetInt32());
        Assert.Equal(750, daily.GetProperty("Remaining").GetInt32());
        var resetsAt = DateTimeOffset.Parse(daily.GetProperty("ResetsAt").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(TimeSpan.Zero, resetsAt.TimeOfDay);
        Assert.InRange(resetsAt - DateTimeOffset.UtcNow, TimeSpan.Zero, TimeSpan.FromDays(1));
    }

    [Fact]
    public async Task PastTheAllowanceChargedCallsAnswerRequestLimitExceededButFreeOnesStillAnswer()
    {
        await Crm.SetLimits(new { used = 999 });

        using var last = await Crm.Sales.GetAsync("sobjects/Lead/describe");
        using var refused = await Crm.Sales.PostAsJsonAsync("sobjects/Lead", new { LastName = "Late", Company = "Too" });
        using var limits = await Crm.Sales.GetAsync("limits");
        using var changes = await Crm.Sales.GetAsync("changes?after=0");

        Assert.Equal(HttpStatusCode.OK, last.StatusCode);
        Assert.Equal("api-usage=1000/1000", LimitInfo(last));
        var error = await SObjectApiTests.SingleError(refused, HttpStatusCode.Forbidden);
        Assert.Equal("REQUEST_LIMIT_EXCEEDED", error.GetProperty("errorCode").GetString());
        Assert.StartsWith("TotalRequests", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("api-usage=1000/1000", LimitInfo(refused));
        Assert.Equal(HttpStatusCode.OK, limits.StatusCode);
        Assert.Equal(HttpStatusCode.OK, changes.StatusCode);
    }

    [Fact]
    public async Task AResetByTheAdminOpensTheAllowanceAgain()
    {
        await Crm.SetLimits(new { used = 1000 });
        using (var refused = await Crm.Sales.GetAsync("sobjects/Lead/describe"))
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        await Crm.AdminSend(HttpMethod.Post, "admin/limits/reset");

        using var accepted = await Crm.Sales.GetAsync("sobjects/Lead/describe");
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal("api-usage=1/1000", LimitInfo(accepted));
    }

    [Fact]
    public async Task TheAllowanceResetsAtTheCrmsDayBoundary()
    {
        await Crm.SetLimits(new { used = 1000 });
        var state = await Crm.AdminSend(HttpMethod.Get, "admin/state");
        var resetsAt = state.GetProperty("limits").GetProperty("resetsAt").GetDateTimeOffset();
        var now = state.GetProperty("clock").GetProperty("now").GetDateTimeOffset();

        var moved = await Crm.AdminSend(HttpMethod.Post, "admin/clock/advance", new { by = (resetsAt - now + TimeSpan.FromSeconds(1)).ToString() });

        Assert.True(moved.GetProperty("now").GetDateTimeOffset() >= resetsAt);
        using var accepted = await Crm.Sales.GetAsync("sobjects/Lead/describe");
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal("api-usage=1/1000", LimitInfo(accepted));
    }

    [Fact]
    public async Task TheCrmClockStampsRecords()
    {
        await Crm.AdminSend(HttpMethod.Put, "admin/clock", new { offset = "-30.00:00:00" });

        var lead = await Crm.Read("Lead", await Crm.CreateLead("Past", SimulatorHost.NewEmail()));

        var created = DateTimeOffset.Parse(lead.GetProperty("CreatedDate").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(DateTimeOffset.UtcNow - created, TimeSpan.FromDays(29), TimeSpan.FromDays(31));
    }

    [Fact]
    public async Task TheAdminApiNeedsTheOperatorKey()
    {
        using var anonymous = new HttpClient { BaseAddress = Crm.Address };

        using var response = await anonymous.GetAsync("admin/state");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task InvalidLimitsAreRefusedNamingTheField()
    {
        using var response = await Crm.Admin.PutAsJsonAsync("admin/limits", new { dailyApiRequests = 0 });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("dailyApiRequests", out _));
    }

    private static string LimitInfo(HttpResponseMessage response) => response.Headers.GetValues("Sforce-Limit-Info").Single();

    /// <summary>Its own simulator: these tests spend the allowance and move the clock.</summary>
    public sealed class Fixture : SimulatorFixture;
}
