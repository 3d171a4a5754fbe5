using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Sync.Contracts;
using Sync.ServiceDefaults.Http;
using Sync.ServiceDefaults.Messaging;
using Sync.SyncWorker.Allowance;
using Sync.SyncWorker.Control;
using Sync.SyncWorker.Retry;
using Sync.SyncWorker.Storage.SyncErrors;
using Sync.SyncWorker.Storage.WorkerState;

namespace Sync.SyncWorker.Apis;

public static class SyncWorkerApi
{
    /// <summary>The HTTP API of sync-worker (port 5104 by default): operator controls, all behind the API key.</summary>
    public static RouteGroupBuilder MapSyncWorkerApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/sync").RequireApiKey().ProducesRequestProblems();
        api.MapGet("/status", GetStatus);
        // A reason is all these two read; an endpoint without a body reads none, so needs no limit.
        api.MapPost("/pause", Pause).WithRequestBodyLimit(RequestBodyLimits.Control);
        api.MapPost("/resume", Resume);
        api.MapGet("/errors", ListErrors);
        api.MapPost("/errors/retry", RetryAllErrors);
        api.MapPost("/errors/{prospectId:long}/retry", RetryError).ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/prospects/{prospectId:long}", SyncProspectNow).WithRequestBodyLimit(RequestBodyLimits.Control);
        return api;
    }

    /// <summary>Whether the worker consumes, and why not; the CRM allowance as all replicas see it; batch totals; retry queues.</summary>
    public static async Task<Ok<WorkerStatus>> GetStatus(
        SyncConsumption consumption, CrmAllowance allowance, IWorkerStateStore state, ISyncRetryScheduler retries, CancellationToken cancellationToken)
    {
        var status = consumption.Status;
        // An operator's pause holds on every replica at once, even before this one's control loop has applied it.
        var shown = await state.GetPause() is { } pause ? ConsumptionStatus.PausedBy(pause) : status;
        var view = await allowance.Read();
        var totals = await state.GetTotals();
        var reserve = view.Limit is { } limit ? allowance.Reserve(limit) : (int?)null;
        return TypedResults.Ok(new WorkerStatus(
            Paused: !shown.Consuming,
            Reason: shown.Reason,
            Detail: shown.Detail,
            Since: shown.Since,
            ResumesAt: shown.ResumesAt,
            ConsumingOnThisReplica: status.Consuming,
            Allowance: new AllowanceStatus(view.Used, view.Limit, reserve,
                view.Limit is { } known ? Math.Max(0, known - (reserve ?? 0) - (view.Used ?? 0)) : null,
                view.ResetsAt, view.Tokens is { } tokens ? Math.Round(tokens, 2) : null, view.ObservedAt),
            Batches: new BatchStatus(totals.Batches, totals.Prospects, totals.CrmCalls, totals.Outcomes, totals.LastBatchAt, totals.LastBatchSize,
                totals.LastBatchMilliseconds),
            LastError: totals.LastError is null ? null : new LastErrorStatus(totals.LastError, totals.LastErrorAt),
            RetryQueues: await retries.Describe(cancellationToken)));
    }

    /// <summary>Stops consuming on every replica (within the control interval; on this one before answering). The queue keeps filling.</summary>
    public static async Task<Ok<WorkerStatus>> Pause(
        [FromBody] PauseRequest? request, SyncConsumption consumption, CrmAllowance allowance, IWorkerStateStore state, ISyncRetryScheduler retries,
        TimeProvider time, CancellationToken cancellationToken)
    {
        if (await state.GetPause() is null)
            await state.SetPause(new OperatorPause(time.GetUtcNow(), request?.Reason));
        await consumption.Apply(cancellationToken);
        return await GetStatus(consumption, allowance, state, retries, cancellationToken);
    }

    public static async Task<Ok<WorkerStatus>> Resume(
        SyncConsumption consumption, CrmAllowance allowance, IWorkerStateStore state, ISyncRetryScheduler retries, CancellationToken cancellationToken)
    {
        await state.SetPause(null);
        await consumption.Apply(cancellationToken);
        return await GetStatus(consumption, allowance, state, retries, cancellationToken);
    }

    private const int DefaultErrorPage = 100;
    private const int MaxErrorPage = 1000;
    private const int RetryChunk = 500;

    /// <summary>
    /// One page of the sync-error list, in prospect id order: <c>?errorCode=</c> narrows it to one error, <c>?after=</c> (the
    /// last prospect id of the page before) and <c>?limit=</c> (100 by default, at most 1000) page through it. The body is
    /// the page; <c>X-Total-Count</c> counts every entry matching, and a <c>Link</c> header names the next page.
    /// </summary>
    public static async Task<Results<Ok<IReadOnlyList<SyncErrorEntry>>, ValidationProblem>> ListErrors(
        HttpContext http, ISyncErrorStore errors, string? errorCode = null, long? after = null, int? limit = null)
    {
        var validation = new RequestValidation()
            .Require(after is null or >= 0, "after", "must be a prospect id (the last one of the page before)")
            .Require(limit is null or (>= 1 and <= MaxErrorPage), "limit", $"must be between 1 and {MaxErrorPage}");
        if (!validation.IsValid)
            return validation.Problem();

        var query = new SyncErrorQuery(string.IsNullOrWhiteSpace(errorCode) ? null : errorCode.Trim(), after ?? 0, limit ?? DefaultErrorPage);
        var page = await errors.List(query, http.RequestAborted);
        http.Response.Headers["X-Total-Count"] = page.Total.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (page.HasMore)
        {
            var next = QueryString.Create(new Dictionary<string, string?>
            {
                ["errorCode"] = query.ErrorCode,
                ["after"] = page.Entries[^1].ProspectId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["limit"] = query.Limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
            }.Where(parameter => parameter.Value is not null));
            http.Response.Headers.Link = $"<{http.Request.PathBase}{http.Request.Path}{next}>; rel=\"next\"";
        }
        return TypedResults.Ok(page.Entries);
    }

    /// <summary>Asks for a new sync of one prospect on the sync-error list; its entry goes away when that sync succeeds.</summary>
    public static async Task<Results<Accepted<RetryAccepted>, ProblemHttpResult>> RetryError(
        long prospectId, ISyncErrorStore errors, ConfirmedPublisher publisher, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await errors.Find(prospectId) is not { } entry)
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not on the sync-error list",
                detail: $"Prospect {prospectId} has no sync error to retry.");
        var now = time.GetUtcNow();
        await publisher.Publish(Forced(entry, now), cancellationToken);
        await errors.MarkRetryRequested([prospectId], now);
        return TypedResults.Accepted((string?)null, new RetryAccepted(1, [prospectId]));
    }

    /// <summary>
    /// Asks for a new sync of every prospect on the list (<c>?errorCode=</c>: of those with that error, say after fixing the
    /// validation rule behind it), published in chunks so a list of any length is retried in bounded memory.
    /// </summary>
    public static async Task<Ok<RetryAccepted>> RetryAllErrors(
        ISyncErrorStore errors, ConfirmedPublisher publisher, TimeProvider time, CancellationToken cancellationToken, string? errorCode = null)
    {
        var now = time.GetUtcNow();
        var code = string.IsNullOrWhiteSpace(errorCode) ? null : errorCode.Trim();
        var requested = 0;
        var named = new SortedSet<long>();
        var chunk = new List<SyncErrorEntry>(RetryChunk);
        async Task Retry()
        {
            await publisher.PublishBatch(chunk.Select(entry => Forced(entry, now)).ToList(), cancellationToken);
            await errors.MarkRetryRequested(chunk.Select(entry => entry.ProspectId).ToList(), now);
            requested += chunk.Count;
            chunk.Clear();
        }

        // One scan of the list, retried a chunk at a time; the answer names the lowest ids, up to a page's worth.
        await foreach (var entry in errors.Scan(code, cancellationToken))
        {
            chunk.Add(entry);
            if (named.Add(entry.ProspectId) && named.Count > MaxErrorPage)
                named.Remove(named.Max);
            if (chunk.Count == RetryChunk)
                await Retry();
        }
        if (chunk.Count > 0)
            await Retry();
        return TypedResults.Ok(new RetryAccepted(requested, [.. named]));
    }

    /// <summary>
    /// Syncs one prospect now. The worker does not sync it behind the evaluator's back: it asks the evaluator, which keeps
    /// the sync state, to issue the sync.
    /// </summary>
    public static async Task<Results<Accepted<RetryAccepted>, ValidationProblem>> SyncProspectNow(
        long prospectId, [FromBody] SyncNowRequest? request, ConfirmedPublisher publisher, TimeProvider time, CancellationToken cancellationToken)
    {
        if (prospectId <= 0)
            return new RequestValidation().Add("prospectId", "must be a positive prospect id").Problem();
        await publisher.Publish(new ProspectSyncForced
        {
            EventId = Guid.NewGuid(),
            ProspectId = prospectId,
            OccurredAt = time.GetUtcNow(),
            Reason = string.IsNullOrWhiteSpace(request?.Reason) ? "An operator asked sync-worker to sync the prospect now" : request.Reason,
        }, cancellationToken);
        return TypedResults.Accepted((string?)null, new RetryAccepted(1, [prospectId]));
    }

    private static ProspectSyncForced Forced(SyncErrorEntry entry, DateTimeOffset now) => new()
    {
        EventId = Guid.NewGuid(),
        ProspectId = entry.ProspectId,
        OccurredAt = now,
        Reason = $"An operator retried the sync error {entry.ErrorCode} ({entry.Attempts} attempts since {entry.FirstSeen:u})",
    };
}

public sealed record PauseRequest(string? Reason = null);

public sealed record SyncNowRequest(string? Reason = null);

/// <param name="ProspectIds">The prospects asked for, up to the first 1000 by id; <paramref name="Requested"/> counts them all.</param>
public sealed record RetryAccepted(int Requested, IReadOnlyList<long> ProspectIds);

public sealed record WorkerStatus(
    bool Paused,
    PauseReason? Reason,
    string? Detail,
    DateTimeOffset? Since,
    DateTimeOffset? ResumesAt,
    bool ConsumingOnThisReplica,
    AllowanceStatus Allowance,
    BatchStatus Batches,
    LastErrorStatus? LastError,
    IReadOnlyList<RetryStepState> RetryQueues);

/// <param name="AvailableToSync">What the sync may still spend before the reset: the limit less the reserve and what is used.</param>
/// <param name="Tokens">Calls the shared pacing bucket can grant at once.</param>
public sealed record AllowanceStatus(
    int? Used, int? Limit, int? Reserve, int? AvailableToSync, DateTimeOffset? ResetsAt, double? Tokens, DateTimeOffset? ObservedAt);

public sealed record BatchStatus(
    long Batches, long Prospects, long CrmCalls, IReadOnlyDictionary<SyncOutcome, long> Outcomes, DateTimeOffset? LastBatchAt, int? LastBatchSize,
    double? LastBatchMilliseconds);

public sealed record LastErrorStatus(string Message, DateTimeOffset? At);
