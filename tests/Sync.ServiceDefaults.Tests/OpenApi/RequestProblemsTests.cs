using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Sync.ServiceDefaults.Http;
using Sync.Testing;
using Sync.ServiceDefaults.Tests.Hosting;
using Sync.Testing.Hosting;

namespace Sync.ServiceDefaults.Tests.OpenApi;

/// <summary>
/// ProducesRequestProblems says in the OpenAPI document what the shared pipeline answers on every endpoint of a group (the
/// exception handler's 500 and 503, and on an endpoint that takes a body the guard's 400, 413 and 415), and leaves the
/// answers an endpoint's return type or own metadata declares as they are.
/// </summary>
[FastLane]
public sealed class RequestProblemsTests : IAsyncLifetime
{
    private TestServiceHost _host = null!;

    public async Task InitializeAsync()
    {
        // In memory: the shared pipeline without a broker or Redis to wait for.
        _host = await TestHostBuilder.For(BareService.Serving(app =>
        {
            var api = app.MapGroup("").ProducesRequestProblems();
            api.MapGet("/read", () => TypedResults.Ok(1));
            api.MapPost("/write", Results<Ok<int>, ValidationProblem> (Probe probe) => TypedResults.Ok(probe.Count))
                .ProducesProblem(StatusCodes.Status503ServiceUnavailable, "application/custom+json");
            api.MapPost("/own", () => TypedResults.Ok(1)).ChecksItsOwnBody();
        }), TestLane.InMemory()).Start();
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task EveryEndpointSaysItMayAnswerTheExceptionHandlersProblems()
    {
        var document = await Document();

        Assert.Equal(["200", "500", "503"], Statuses(document, "/read", "get"));
        Assert.Equal("#/components/schemas/ProblemDetails", Schema(document, "/read", "get", "500", "application/problem+json"));
        Assert.Equal(["200", "500", "503"], Statuses(document, "/own", "post"));
    }

    [Fact]
    public async Task EndpointTakingABodySaysItMayRefuseItWhole()
    {
        var document = await Document();

        Assert.Equal(["200", "400", "413", "415", "500", "503"], Statuses(document, "/write", "post"));
        Assert.Equal("#/components/schemas/ProblemDetails", Schema(document, "/write", "post", "413", "application/problem+json"));
    }

    [Fact]
    public async Task AnswerTheEndpointDeclaresIsLeftAsItIs()
    {
        var document = await Document();

        // The return type's ValidationProblem, and the endpoint's own 503 (in a content type of its own), win over the group's.
        Assert.Equal("#/components/schemas/HttpValidationProblemDetails", Schema(document, "/write", "post", "400", "application/problem+json"));
        Assert.NotNull(Schema(document, "/write", "post", "503", "application/custom+json"));
        Assert.Null(Schema(document, "/write", "post", "503", "application/problem+json"));
    }

    private async Task<JsonElement> Document()
    {
        using var response = await _host.Http.GetAsync("openapi/v1.json");
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private static string[] Statuses(JsonElement document, string path, string method) =>
        [.. Responses(document, path, method).EnumerateObject().Select(response => response.Name).Order(StringComparer.Ordinal)];

    private static string? Schema(JsonElement document, string path, string method, string status, string contentType) =>
        Responses(document, path, method).GetProperty(status).TryGetProperty("content", out var content)
        && content.TryGetProperty(contentType, out var answer)
            ? answer.GetProperty("schema").TryGetProperty("$ref", out var reference) ? reference.GetString() : answer.GetProperty("schema").ToString()
            : null;

    private static JsonElement Responses(JsonElement document, string path, string method) =>
        document.GetProperty("paths").GetProperty(path).GetProperty(method).GetProperty("responses");

    private sealed record Probe(int Count);
}
