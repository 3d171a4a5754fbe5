using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Sync.Rules;
using Sync.ServiceDefaults.Http;
using Sync.SyncEvaluator.Storage;

namespace Sync.SyncEvaluator.Apis;

public static class SyncEvaluatorApi
{
    /// <summary>
    /// The HTTP API of sync-evaluator (port 5103 by default): the rule catalogue, and per prospect why it is or is not synced
    /// and what an event would do (both need the operator key in X-Api-Key).
    /// </summary>
    public static RouteGroupBuilder MapSyncEvaluatorApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("").ProducesRequestProblems();
        api.MapGet("/rules", () => TypedResults.Ok(SyncRules.All.Select(RuleResponse.From).ToList()))
            .WithName("ListSyncRules")
            .WithSummary("Every trigger and non-trigger of the sync, by name");

        var status = api.MapGroup("/prospects/{prospectId:long}/sync-status").RequireApiKey();
        status.MapGet("", GetSyncStatus)
            .WithName("GetSyncStatus")
            .WithSummary("The prospect's dates, Do Not Sync, outstanding sync and latest decisions, each in plain words")
            .ProducesProblem(StatusCodes.Status404NotFound);
        status.MapPost("/what-if", WhatIf)
            .WithName("WhatIfSyncStatus")
            .WithSummary("What an event would decide for the prospect now; changes nothing");
        return api;
    }

    private static async Task<Results<Ok<SyncStatusResponse>, ProblemHttpResult>> GetSyncStatus(
        long prospectId, ISyncStateStore store, CancellationToken cancellationToken)
    {
        var status = await store.GetStatus(prospectId, cancellationToken);
        return status is null
            ? UnknownProspect(prospectId)
            : TypedResults.Ok(SyncStatusResponse.From(status));
    }

    private static async Task<Results<Ok<WhatIfResponse>, ValidationProblem>> WhatIf(
        long prospectId, WhatIfRequest request, ISyncStateStore store, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json,
        TimeProvider time, CancellationToken cancellationToken)
    {
        var validation = new RequestValidation();
        if (!WhatIfEvents.TryRead(prospectId, request, json.Value.SerializerOptions, time, validation, out var change))
            return validation.Problem("The what-if event is not valid");

        var known = await store.GetStatus(prospectId, cancellationToken) is not null;
        var step = await store.WhatIf(change, cancellationToken);
        return TypedResults.Ok(new WhatIfResponse(
            prospectId,
            known,
            change.EventType,
            change.EventId,
            step.Applied,
            step.Decision is { } decision ? DecisionResponse.From(decision) : null,
            step.ToPublish,
            OutstandingSyncResponse.From(step.Outstanding),
            step.Reissue is { } reissue ? DecisionResponse.From(reissue) : null));
    }

    private static ProblemHttpResult UnknownProspect(long prospectId) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "Unknown prospect",
        detail: $"The sync-evaluator has applied no event for prospect {prospectId}, so it has nothing to explain.");
}
