using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Sync.Clients.Crm;
using Sync.Contracts;
using Sync.Testing;

namespace Sync.Clients.Tests;

[FastLane]
public sealed class CrmClientResilienceTests
{
    private static ServiceProvider Crm(ScriptedHandler handler, int minimumThroughput = 3)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddCrmHttpClient();
        services.Configure<CrmClientOptions>(options =>
        {
            options.Url = new Uri("http://crm.invalid");
            options.CircuitBreaker.MinimumThroughput = minimumThroughput;
            // Long enough that the circuit stays open for the whole test.
            options.CircuitBreaker.BreakDuration = TimeSpan.FromMinutes(5);
        });
        services.ConfigureHttpClientDefaults(http => http.ConfigurePrimaryHttpMessageHandler(() => handler));
        return services.BuildServiceProvider();
    }

    private static readonly CrmRecord Lead = new()
    {
        Type = CrmObjectType.Lead,
        Fields = new Dictionary<string, string?> { ["LastName"] = "Rowe", ["Company"] = "Acme" },
    };

    [Fact]
    public async Task AChargedCallAnsweredUnavailableIsSentOnceAndFailsAsTransient()
    {
        var crm = new ScriptedHandler(() => ScriptedHandler.Status(HttpStatusCode.ServiceUnavailable));
        await using var services = Crm(crm);

        var failure = await Assert.ThrowsAsync<CrmTransientException>(() =>
            services.GetRequiredService<ICrmClient>().Write([Lead], [], CancellationToken.None));

        Assert.Contains("503", failure.Message, StringComparison.Ordinal);
        Assert.Equal(1, crm.Sent);
    }

    [Fact]
    public async Task TheCircuitOpensAfterRepeatedFailuresAndACallThenFailsFastWithoutReachingTheCrm()
    {
        var crm = new ScriptedHandler(() => ScriptedHandler.Status(HttpStatusCode.InternalServerError));
        await using var services = Crm(crm, minimumThroughput: 3);
        var client = services.GetRequiredService<ICrmClient>();
        for (var call = 0; call < 3; call++)
            await Assert.ThrowsAsync<CrmTransientException>(() => client.Write([Lead], [], CancellationToken.None));
        Assert.Equal(3, crm.Sent);

        var refused = await Assert.ThrowsAsync<CrmTransientException>(() => client.Write([Lead], [], CancellationToken.None));

        Assert.Contains("was not sent", refused.Message, StringComparison.Ordinal);
        Assert.Equal(3, crm.Sent);
    }

    [Fact]
    public async Task FailuresFewerThanTheMinimumThroughputLeaveTheCircuitClosed()
    {
        var crm = new ScriptedHandler(
            () => ScriptedHandler.Status(HttpStatusCode.InternalServerError),
            () => ScriptedHandler.Status(HttpStatusCode.InternalServerError),
            () => ScriptedHandler.Json("""[{"id":"00QSy0000000001MAA","success":true,"errors":[]}]"""));
        await using var services = Crm(crm, minimumThroughput: 3);
        var client = services.GetRequiredService<ICrmClient>();
        for (var call = 0; call < 2; call++)
            await Assert.ThrowsAsync<CrmTransientException>(() => client.Write([Lead], [], CancellationToken.None));

        var written = await client.Write([Lead], [], CancellationToken.None);

        Assert.True(Assert.Single(written.Created).Success);
        Assert.Equal(3, crm.Sent);
    }

    [Fact]
    public async Task TheUsageOnAnAnswerIsReportedWithItsResultAndKeptAsTheLastKnown()
    {
        var crm = new ScriptedHandler(() =>
        {
            var answer = ScriptedHandler.Json("""[{"id":"00QSy0000000001MAA","success":true,"errors":[]}]""");
            answer.Headers.Add("Sforce-Limit-Info", "api-usage=42/15000");
            return answer;
        });
        await using var services = Crm(crm);
        var client = services.GetRequiredService<ICrmClient>();

        var written = await client.Write([Lead], [], CancellationToken.None);

        Assert.Equal(new CrmApiUsage(42, 15000), written.Usage);
        Assert.Equal(new CrmApiUsage(42, 15000), client.LastKnownUsage);
    }
}
