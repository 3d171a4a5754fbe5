using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Sync.CrmSimulator.Tests.Support;
using Sync.Testing;

namespace Sync.CrmSimulator.Tests;

/// <summary>Faults on demand, so tests of clients need neither luck nor waiting: latency, transient errors, timeouts, the concurrency cap.</summary>
public sealed class FaultInjectionTests(FaultInjectionTests.Fixture fixture) : IClassFixture<FaultInjectionTests.Fixture>, IAsyncLifetime
{
    private SimulatorHost Crm => fixture.Crm;

    public Task InitializeAsync() => Crm.ClearFaults();

    public async Task DisposeAsync()
    {
        await Crm.ClearFaults();
        await Crm.SetLimits(new { maxConcurrentRequests = 25 });
    }

    [Fact]
    public async Task TheNextFailingRequestsAnswerServerUnavailableAndChangeNothing()
    {
        await Crm.SetFaults(new { failNextRequests = 2 });
        var email = SimulatorHost.NewEmail("fault");
        var usedBefore = await Used();

        using var first = await Crm.Sales.PostAsJsonAsync("sobjects/Lead", new { LastName = "Faulty", Company = "C", Email = email });
        using var second = await Crm.Sales.GetAsync("limits");
        using var third = await Crm.Sales.GetAsync("limits");

        var error = await SObjectApiTests.SingleError(first, HttpStatusCode.ServiceUnavailable);
        Assert.Equal("SERVER_UNAVAILABLE", error.GetProperty("errorCode").GetString());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, second.StatusCode);
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
        Assert.Equal(usedBefore, await Used());
        Assert.Equal(0, (await Crm.Query($"SELECT Id FROM Lead WHERE Email = '{email}'")).GetProperty("totalSize").GetInt32());
    }

    [Fact]
    public async Task AFaultAfterProcessingKeepsTheWriteButLosesTheAnswer()
    {
        await Crm.SetFaults(new { failNextRequests = 1, phase = "AfterProcessing" });
        var email = SimulatorHost.NewEmail("after");

        using var response = await Crm.Sales.PostAsJsonAsync("sobjects/Lead", new { LastName = "Committed", Company = "C", Email = email });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(1, (await Crm.Query($"SELECT Id FROM Lead WHERE Email = '{email}'")).GetProperty("totalSize").GetInt32());
    }

    [Fact]
    public async Task ATransientErrorRateOfOneFailsEveryRequest()
    {
        await Crm.SetFaults(new { transientErrorRate = 1.0 });

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var response = await Crm.Sales.GetAsync("limits");
            statuses.Add(response.StatusCode);
        }

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.ServiceUnavailable, status));
    }

    [Fact]
    public async Task ATimedOutRequestIsHeldThenAnsweredGatewayTimeout()
    {
        await Crm.SetFaults(new { timeOutNextRequests = 1, timeoutHold = "00:00:00.300" });
        var clock = Stopwatch.StartNew();

        using var response = await Crm.Sales.GetAsync("limits");

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(290), $"answered after {clock.Elapsed.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task ADroppedRequestClosesTheConnectionWithoutAnAnswer()
    {
        await Crm.SetFaults(new { timeOutNextRequests = 1, timeoutHold = "00:00:00.050", timeoutBehaviour = "Drop" });

        await Assert.ThrowsAsync<HttpRequestException>(() => Crm.Sales.GetAsync("limits"));
    }

    [Fact]
    public async Task LatencyDelaysEveryAnswer()
    {
        await Crm.SetFaults(new { latencyMilliseconds = 200 });
        var clock = Stopwatch.StartNew();

        using var response = await Crm.Sales.GetAsync("limits");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(190), $"answered after {clock.Elapsed.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task RequestsBeyondTheConcurrencyCapAreRefusedAsRetryable()
    {
        await Crm.SetLimits(new { maxConcurrentRequests = 1 });
        await Crm.SetFaults(new { latencyMilliseconds = 1000 });

        var slow = Crm.Sales.GetAsync("limits");
        await Eventually.True(async () => (await Crm.AdminSend(HttpMethod.Get, "admin/state")).GetProperty("limits").GetProperty("inFlight").GetInt32() == 1,
            "the slow request to hold the only slot");
        using var refused = await Crm.Sales.GetAsync("limits");
        using var served = await slow;

        var error = await SObjectApiTests.SingleError(refused, HttpStatusCode.Forbidden);
        Assert.Equal("REQUEST_LIMIT_EXCEEDED", error.GetProperty("errorCode").GetString());
        Assert.StartsWith("ConcurrentRequests", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("1", refused.Headers.RetryAfter?.ToString());
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
    }

    [Fact]
    public async Task InvalidFaultsAreRefusedNamingTheField()
    {
        using var response = await Crm.Admin.PutAsJsonAsync("admin/faults", new { transientErrorRate = 2.0 });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("transientErrorRate", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheAdminApiIsNeverFaulted()
    {
        await Crm.SetFaults(new { transientErrorRate = 1.0 });

        var state = await Crm.AdminSend(HttpMethod.Get, "admin/state");

        Assert.Equal(1.0, state.GetProperty("faults").GetProperty("transientErrorRate").GetDouble());
    }

    private async Task<int> Used() => (await Crm.AdminSend(HttpMethod.Get, "admin/state")).GetProperty("limits").GetProperty("used").GetInt32();

    /// <summary>Its own simulator: faults are process-wide.</summary>
    public sealed class Fixture : SimulatorFixture;
}
