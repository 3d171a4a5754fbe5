using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sync.ServiceDefaults.Http;
using Sync.ServiceDefaults.Tests.Hosting;
using Sync.Testing;
using Sync.Testing.Hosting;

namespace Sync.ServiceDefaults.Tests;

/// <summary>
/// What every service gets from the shared request reading: the key checked before the body, and a body that is not UTF-8 JSON
/// with each member once, or is too large, refused whole as a 4xx problem before the endpoint runs, with no error logged.
/// </summary>
public sealed class RequestReadingTests : IAsyncLifetime
{
    private readonly LoggedErrors _errors = new();
    private IsolatedKeyPrefix _redis = null!;
    private TestServiceHost _host = null!;
    private int _handled;

    public async Task InitializeAsync()
    {
        _redis = (await RedisTestServer.Shared()).CreateKeyPrefix("request-reading");
        _host = await TestHostBuilder.For(BareService.Serving(app =>
        {
            app.MapPost("/operator", (Probe probe) =>
            {
                Interlocked.Increment(ref _handled);
                return Results.Ok(probe);
            }).RequireApiKey();
            app.MapPost("/small", (Probe probe) => Results.Ok(probe)).RequireApiKey().WithRequestBodyLimit(64);
            app.MapPost("/form", async (HttpRequest request, CancellationToken cancellationToken) =>
                Results.Ok((await request.ReadFormOrRefuse(cancellationToken)).Count));
        }), TestLane.FromSettings(_redis.Settings))
            .ReplaceServices(services => services.AddSingleton<ILoggerProvider>(_errors))
            .Start();
        _host.Http.DefaultRequestHeaders.Add(ApiKeyFilter.Header, SyncOptions.DevelopmentApiKey);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task KeyIsCheckedBeforeTheBodyIsRead()
    {
        using var anonymous = new HttpClient { BaseAddress = _host.Address };

        using var keyless = await anonymous.PostAsync("operator", BadInput.Json("""{"count":1}""", "application/json; charset=bogus"));
        using var wrongKey = await anonymous.SendAsync(new HttpRequestMessage(HttpMethod.Post, "operator")
        {
            Headers = { { ApiKeyFilter.Header, "not-the-key" } },
            Content = BadInput.Json("""{"count":1,"count":1}"""),
        });

        await BadInput.AssertProblem(keyless, StatusCodes.Status401Unauthorized, ApiKeyFilter.Header);
        Assert.NotEmpty(keyless.Headers.WwwAuthenticate);
        await BadInput.AssertProblem(wrongKey, StatusCodes.Status403Forbidden, "not this deployment's operator key");
        Assert.Equal(0, _handled);
        Assert.Empty(_errors.Entries);
    }

    [Theory]
    [MemberData(nameof(BadInput.JsonClasses), MemberType = typeof(BadInput))]
    public async Task MalformedJsonBodyIsRefusedBeforeTheEndpointRuns(string badClass)
    {
        var (content, status, detail) = BadInput.JsonBody(badClass, "count", "1");

        using var response = await _host.Http.PostAsync("operator", content);

        await BadInput.AssertProblem(response, status, detail);
        Assert.Equal(0, _handled);
        Assert.Empty(_errors.Entries);
    }

    [Fact]
    public async Task RepeatedMemberIsNamedByItsPath()
    {
        using var response = await _host.Http.PostAsync("operator", BadInput.Json("""{"count":1,"writes":[{"a":1},{"fields":{"x":"1","X":"2"}}]}"""));

        var problem = await BadInput.AssertProblem(response, StatusCodes.Status400BadRequest, "'X' is given twice");
        Assert.Contains("$.writes[1].fields", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingRequiredMemberIsRefusedNotReadAsZero()
    {
        using var response = await _host.Http.PostAsync("operator", BadInput.Json("""{"label":"x"}"""));

        await BadInput.AssertProblem(response, StatusCodes.Status400BadRequest, "'count'");
        Assert.Equal(0, _handled);
    }

    [Fact]
    public async Task WellFormedBodyWithAByteOrderMarkReachesTheEndpoint()
    {
        using var response = await _host.Http.PostAsync("operator", BadInput.Json([.. "\uFEFF"u8.ToArray(), .. """{"count":3,"label":"ünïcode"}"""u8.ToArray()]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var probe = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(3, probe.GetProperty("count").GetInt32());
        Assert.Equal("ünïcode", probe.GetProperty("label").GetString());
    }

    [Fact]
    public async Task BodyOverTheEndpointsLimitIs413()
    {
        using var response = await _host.Http.PostAsync("small", BadInput.Json($$"""{"count":1,"label":"{{new string('x', 100)}}"}"""));

        await BadInput.AssertProblem(response, StatusCodes.Status413PayloadTooLarge, "64 bytes");
    }

    [Fact]
    public async Task BodyOverTheDefaultLimitIs413()
    {
        using var response = await _host.Http.PostAsync("operator", BadInput.Json(new string(' ', (int)RequestBodyLimits.Default + 1)));

        await BadInput.AssertProblem(response, StatusCodes.Status413PayloadTooLarge, "bytes");
        Assert.Empty(_errors.Entries);
    }

    [Theory]
    [MemberData(nameof(BadInput.FormClasses), MemberType = typeof(BadInput))]
    public async Task MalformedFormIsA400NamingTheProblem(string badClass)
    {
        var (content, detail) = BadInput.FormBody(badClass, "email=a%40example.com");

        using var response = await _host.Http.PostAsync("form", content);

        await BadInput.AssertProblem(response, StatusCodes.Status400BadRequest, detail);
        Assert.Empty(_errors.Entries);
    }

    [Fact]
    public void JsonBodyCheckAcceptsWhatSystemTextJsonReads()
    {
        JsonBodyCheck.Check(Encoding.UTF8.GetBytes("""{"a":[1,{"a":"x","b":null}],"b":{"a":true},"c":"\u00e9\ud83d\ude00"}"""));
    }

    private sealed record Probe(int Count, string? Label = null);
}
