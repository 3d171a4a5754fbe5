using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sync.Testing;

namespace Sync.SyncEvaluator.Tests.Pipeline;

/// <summary>The evaluator with its error log recorded.</summary>
public sealed class BadInputEvaluator : EvaluatorHost
{
    public LoggedErrors Errors { get; } = new();

    protected override string Purpose => "evaluator-bad-input";

    protected override void AddTestServices(Microsoft.AspNetCore.Builder.WebApplicationBuilder builder) =>
        builder.Services.AddSingleton<ILoggerProvider>(Errors);
}

/// <summary>Bad input to the what-if endpoint is a 4xx problem naming what is wrong, with no error logged.</summary>
public sealed class BadInputTests(BadInputEvaluator evaluator) : IClassFixture<BadInputEvaluator>
{
    [Theory]
    [MemberData(nameof(BadInput.JsonClasses), MemberType = typeof(BadInput))]
    public async Task MalformedWhatIfIsAProblemNamingIt(string badClass)
    {
        var (content, status, detail) = BadInput.JsonBody(badClass, "eventType", "\"ProspectSyncForced\"");

        using var response = await evaluator.Host.Http.PostAsync($"prospects/{EvaluatorHost.NewProspect()}/sync-status/what-if", content);

        await BadInput.AssertProblem(response, status, detail);
        Assert.Empty(evaluator.Errors.Entries);
    }

    [Fact]
    public async Task WhatIfEventWithAMemberGivenTwiceIsA400NamingItsPath()
    {
        using var response = await evaluator.Host.Http.PostAsync($"prospects/{EvaluatorHost.NewProspect()}/sync-status/what-if",
            BadInput.Json("""{"eventType":"ProspectActivityRecorded","event":{"kind":"EmailOpen","kind":"PageView"}}"""));

        var problem = await BadInput.AssertProblem(response, StatusCodes.Status400BadRequest, "'kind' is given twice");
        Assert.Contains("$.event", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(evaluator.Errors.Entries);
    }

    [Fact]
    public async Task WhatIfWithoutTheKeyIs401BeforeItsCharsetIsRead()
    {
        using var anonymous = new HttpClient { BaseAddress = evaluator.Host.Address };

        using var response = await anonymous.PostAsync($"prospects/{EvaluatorHost.NewProspect()}/sync-status/what-if",
            BadInput.Json("""{"eventType":"ProspectSyncForced"}""", "application/json; charset=bogus"));

        await BadInput.AssertProblem(response, StatusCodes.Status401Unauthorized, "X-Api-Key");
        Assert.Empty(evaluator.Errors.Entries);
    }
}
