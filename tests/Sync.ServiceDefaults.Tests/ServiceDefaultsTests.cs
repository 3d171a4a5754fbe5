using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Sync.ServiceDefaults;
using Sync.ServiceDefaults.Http;
using Sync.ServiceDefaults.Tests.Hosting;
using Sync.Testing;
using Sync.Testing.Hosting;

namespace Sync.ServiceDefaults.Tests;

/// <summary>What every service gets from AddServiceDefaults: its operator key checked at start, and errors as problem details.</summary>
public sealed class ServiceDefaultsTests : IAsyncLifetime
{
    private IsolatedKeyPrefix _redis = null!;

    public async Task InitializeAsync() => _redis = (await RedisTestServer.Shared()).CreateKeyPrefix("defaults");

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    private TestLane OnItsKeyPrefix => TestLane.FromSettings(_redis.Settings);

    [Fact]
    public async Task ServiceRefusesToStartOutsideDevelopmentWithThePublicApiKey()
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            TestHostBuilder.For(BareService.Alone, OnItsKeyPrefix).InEnvironment("Production").Start());

        Assert.Contains("Sync:ApiKey", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServiceStartsOutsideDevelopmentWithItsOwnApiKey()
    {
        await using var host = await TestHostBuilder.For(BareService.Alone, OnItsKeyPrefix).WithApiKey("this-deployments-own-key").InEnvironment("Production").Start();

        using var live = await host.Http.GetAsync("health/live");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    public static TheoryData<string, int, bool> Failures => new()
    {
        // An unreachable Redis passes: the caller is told to retry.
        { "redis-unreachable", StatusCodes.Status503ServiceUnavailable, true },
        // Redis failing over refuses writes for a moment: also worth a retry.
        { "redis-readonly", StatusCodes.Status503ServiceUnavailable, true },
        // A script or command error would fail again: no retry, a 500 with the trace id.
        { "redis-script-error", StatusCodes.Status500InternalServerError, false },
        { "bug", StatusCodes.Status500InternalServerError, false },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task FailureIsAnsweredAsProblemDetailsThatSayWhetherToRetry(string failure, int status, bool retryAfter)
    {
        await using var host = await TestHostBuilder.For(BareService.Serving(app => app.MapGet("/fail/{failure}", (string failure) =>
        {
            throw failure switch
            {
                "redis-unreachable" => new RedisConnectionException(
                    ConnectionFailureType.UnableToConnect, CommandFlags.None, "No connection is available", null, CommandStatus.Unknown),
                "redis-readonly" => new RedisServerException(RedisErrorKind.ReadOnly, CommandFlags.None, "READONLY You can't write against a read only replica."),
                "redis-script-error" => new RedisServerException(RedisErrorKind.UnknownError, CommandFlags.None, "ERR user_script:12: attempt to compare nil with number"),
                _ => new InvalidOperationException("A bug."),
            };
#pragma warning disable CS0162 // The lambda needs a return type.
            return Results.Ok();
#pragma warning restore CS0162
        })), OnItsKeyPrefix).Start();

        using var response = await host.Http.GetAsync($"fail/{failure}");

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(retryAfter, response.Headers.RetryAfter is not null);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.True(problem.TryGetProperty("traceId", out _));
        Assert.DoesNotContain("attempt to compare", problem.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MalformedJsonIsA400NamingWhereTheBodyWentWrong()
    {
        await using var host = await TestHostBuilder.For(BareService.Serving(app => app.MapPost("/echo", (Probe probe) => Results.Ok(probe))), OnItsKeyPrefix).Start();

        using var response = await host.Http.PostAsync("echo", new StringContent("""{"count":"many"}""", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("$.count", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OperatorEndpointWithoutTheKeyIs401AndWithAWrongKey403()
    {
        await using var host = await TestHostBuilder.For(BareService.Serving(app => app.MapGet("/operator", () => Results.Ok()).RequireApiKey()), OnItsKeyPrefix).Start();

        using var missing = await host.Http.GetAsync("operator");
        using var wrong = await host.Http.SendAsync(new HttpRequestMessage(HttpMethod.Get, "operator") { Headers = { { ApiKeyFilter.Header, "not-the-key" } } });
        using var right = await host.Http.SendAsync(new HttpRequestMessage(HttpMethod.Get, "operator") { Headers = { { ApiKeyFilter.Header, SyncOptions.DevelopmentApiKey } } });

        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
    }

    private sealed record Probe(int Count);
}
