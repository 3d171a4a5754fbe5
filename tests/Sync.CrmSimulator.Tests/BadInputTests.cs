using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sync.CrmSimulator.Tests.Support;
using Sync.Testing;

namespace Sync.CrmSimulator.Tests;

/// <summary>
/// Bad input to crm-simulator is refused whole: its admin API answers a problem naming what is wrong, its Salesforce-shaped API
/// Salesforce's JSON_PARSER_ERROR; the formula, the clock and the records stay as they were, and no error is logged.
/// </summary>
public sealed class BadInputTests : IAsyncLifetime
{
    private readonly LoggedErrors _errors = new();
    private IsolatedKeyPrefix _redis = null!;
    private SimulatorHost _crm = null!;

    public async Task InitializeAsync()
    {
        _redis = (await RedisTestServer.Shared()).CreateKeyPrefix("crm-bad-input");
        _crm = await SimulatorHost.Start(_redis.Settings, services => services.AddSingleton<ILoggerProvider>(_errors));
    }

    public async Task DisposeAsync()
    {
        await _crm.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Theory]
    [MemberData(nameof(BadInput.JsonClasses), MemberType = typeof(BadInput))]
    public async Task MalformedFormulaEditIsRefusedAndTheFormulaStays(string badClass)
    {
        var (content, status, detail) = BadInput.JsonBody(badClass, "warmAt", "1");

        using var response = await _crm.Admin.PutAsync("admin/formulas/score-band", content);

        await BadInput.AssertProblem(response, status, detail);
        await AssertFormulaUnchanged();
    }

    [Theory]
    [InlineData("""{"hotAt":90}""", "'warmAt'")]
    [InlineData("""{"warmAt":10,"hotAt":9223372036854775807}""", "hotAt is a score")]
    [InlineData("""{"warmAt":-1e19,"hotAt":90}""", "warmAt is a score")]
    [InlineData("""{"warmAt":10,"hotAt":1e40}""", "$.hotAt")]
    public async Task FormulaWithoutAThresholdOrOutOfRangeIsRefusedAndTheFormulaStays(string body, string detail)
    {
        using var response = await _crm.Admin.PutAsync("admin/formulas/score-band", BadInput.Json(body));

        await BadInput.AssertProblem(response, StatusCodes.Status400BadRequest, detail);
        await AssertFormulaUnchanged();
    }

    [Theory]
    [InlineData("PUT", "admin/clock", """{}""", "'offset'")]
    [InlineData("PUT", "admin/clock", """{"offset":"36501.00:00:00"}""", "36500 days")]
    [InlineData("POST", "admin/clock/advance", """{"by":"36501.00:00:00"}""", "36500 days")]
    [InlineData("POST", "admin/clock/advance", """{"by":"10675199.02:48:05.4775807"}""", "36500 days")]
    public async Task ClockMoveWithoutAnAmountOrBeyondRangeIsRefusedAndTheClockStays(string method, string path, string body, string detail)
    {
        var before = await Offset();

        using var response = await _crm.Admin.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = BadInput.Json(body) });

        await BadInput.AssertProblem(response, StatusCodes.Status400BadRequest, detail);
        Assert.Equal(before, await Offset());
        Assert.Empty(_errors.Entries);
    }

    [Fact]
    public async Task AdminEndpointChecksTheKeyBeforeTheCharset()
    {
        using var anonymous = new HttpClient { BaseAddress = _crm.Address };

        using var response = await anonymous.PutAsync("admin/formulas/score-band", BadInput.Json("""{"warmAt":1,"hotAt":2}""", "application/json; charset=bogus"));

        await BadInput.AssertProblem(response, StatusCodes.Status401Unauthorized, "X-Api-Key");
        await AssertFormulaUnchanged();
    }

    [Theory]
    [InlineData("member given twice")]
    [InlineData("member given twice in another case")]
    [InlineData("member name not UTF-8")]
    [InlineData("string not UTF-8")]
    public async Task MalformedRecordUpdateIsAJsonParserErrorAndTheRecordStays(string badClass)
    {
        var id = await _crm.CreateLead("Lovelace", SimulatorHost.NewEmail("bad-input"), new { Title = "Countess" });
        var (content, _, _) = BadInput.JsonBody(badClass, "Title", "\"Mathematician\"");

        using var response = await _crm.Sales.PatchAsync($"sobjects/Lead/{id}", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement[0];
        Assert.Equal("JSON_PARSER_ERROR", error.GetProperty("errorCode").GetString());
        Assert.Equal("Countess", SimulatorHost.Text(await _crm.Read("Lead", id), "Title"));
        Assert.Empty(_errors.Entries);
    }

    private async Task AssertFormulaUnchanged()
    {
        var band = (await _crm.AdminSend(HttpMethod.Get, "admin/state")).GetProperty("scoreBand");
        Assert.Equal((50m, 100m), (band.GetProperty("warmAt").GetDecimal(), band.GetProperty("hotAt").GetDecimal()));
        Assert.Empty(_errors.Entries);
    }

    private async Task<string?> Offset() => (await _crm.AdminSend(HttpMethod.Get, "admin/state")).GetProperty("clock").GetProperty("offset").GetString();
}
