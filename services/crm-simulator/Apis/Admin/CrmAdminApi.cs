using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Sync.CrmSimulator.Configuration;
using Sync.CrmSimulator.Faults;
using Sync.CrmSimulator.Limits;
using Sync.CrmSimulator.Org;
using Sync.CrmSimulator.Schema;
using Sync.CrmSimulator.Storage.Records;
using Sync.CrmSimulator.Users;
using Sync.CrmSimulator.Writing;
using Sync.ServiceDefaults.Http;

namespace Sync.CrmSimulator.Apis.Admin;

/// <summary>
/// The admin API, behind the operator API key: what tests and demos need to make the CRM misbehave or move on without
/// waiting — faults, the daily allowance and its usage, the CRM's clock, and the Score_Band__c formula.
/// </summary>
public static partial class CrmAdminApi
{
    /// <summary>How far an admin may move the CRM's clock from real time: far enough for any test, never near DateTimeOffset's ends.</summary>
    private static readonly TimeSpan MaxClockOffset = TimeSpan.FromDays(36_500);

    /// <summary>The largest Score__c, a Number(18, 0) field: eighteen nines.</summary>
    private const decimal MaxScore = 999_999_999_999_999_999m;

    public static RouteGroupBuilder MapCrmAdminApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/admin").RequireApiKey().WithTags("CRM simulator admin");

        admin.MapGet("/state", State);

        admin.MapPut("/faults", Results<Ok<FaultSettings>, ValidationProblem> (FaultSettings settings, FaultInjector faults, ILogger<FaultInjector> logger) =>
        {
            var validation = new RequestValidation();
            foreach (var problem in settings.Problems())
                validation.Add(char.ToLowerInvariant(problem[0]) + problem[1..problem.IndexOf(' ', StringComparison.Ordinal)], problem);
            if (!validation.IsValid)
                return validation.Problem("The faults are not valid");
            faults.Replace(settings);
            LogFaultsChanged(logger, settings.LatencyMilliseconds, settings.TransientErrorRate, settings.FailNextRequests, settings.TimeoutRate,
                settings.TimeOutNextRequests, settings.Phase);
            return TypedResults.Ok(faults.Current);
        });

        admin.MapDelete("/faults", Ok<FaultSettings> (FaultInjector faults) =>
        {
            faults.Reset();
            return TypedResults.Ok(faults.Current);
        });

        admin.MapPut("/limits", async Task<Results<Ok<LimitsState>, ValidationProblem>> (
            LimitsChange change, CrmOrg org, ApiAllowance allowance, ConcurrencyGate gate, CancellationToken cancellationToken) =>
        {
            var validation = new RequestValidation()
                .Require(change.DailyApiRequests is null or > 0, "dailyApiRequests", "dailyApiRequests must be positive.")
                .Require(change.Used is null or >= 0, "used", "used must not be negative.")
                .Require(change.MaxConcurrentRequests is null or > 0, "maxConcurrentRequests", "maxConcurrentRequests must be positive.");
            if (!validation.IsValid)
                return validation.Problem("The limits are not valid");
            if (change.DailyApiRequests is { } daily)
                await org.Update(settings => settings with { DailyApiRequests = daily }, cancellationToken);
            if (change.Used is { } used)
                await allowance.SetUsage(used, cancellationToken);
            if (change.MaxConcurrentRequests is { } max)
                gate.Max = max;
            return TypedResults.Ok(await Limits(allowance, gate, cancellationToken));
        });

        admin.MapPost("/limits/reset", async Task<Ok<LimitsState>> (ApiAllowance allowance, ConcurrencyGate gate, CancellationToken cancellationToken) =>
        {
            await allowance.SetUsage(0, cancellationToken);
            return TypedResults.Ok(await Limits(allowance, gate, cancellationToken));
        });

        admin.MapPut("/clock", async Task<Results<Ok<ClockState>, ValidationProblem>> (ClockChange change, CrmOrg org, ILogger<CrmOrg> logger, CancellationToken cancellationToken) =>
        {
            if (change.Offset.Duration() > MaxClockOffset)
                return new RequestValidation().Add("offset", $"offset must be within {MaxClockOffset.Days} days of real time, either way.").Problem();
            var state = await org.Update(settings => settings with { ClockOffset = change.Offset }, cancellationToken);
            LogClockMoved(logger, state.ClockOffset, state.Now);
            return TypedResults.Ok(new ClockState(state.Now, state.ClockOffset));
        });

        admin.MapPost("/clock/advance", async Task<Results<Ok<ClockState>, ValidationProblem>> (ClockAdvance advance, CrmOrg org, ILogger<CrmOrg> logger, CancellationToken cancellationToken) =>
        {
            if (advance.By <= TimeSpan.Zero)
                return new RequestValidation().Add("by", "by must be a positive duration, such as \"1.00:00:00\" for a day.").Problem();
            if (advance.By > MaxClockOffset - (await org.State(cancellationToken)).ClockOffset)
                return new RequestValidation().Add("by", $"by would move the CRM's clock more than {MaxClockOffset.Days} days ahead of real time.").Problem();
            var state = await org.AdvanceClock(advance.By, cancellationToken);
            LogClockMoved(logger, state.ClockOffset, state.Now);
            return TypedResults.Ok(new ClockState(state.Now, state.ClockOffset));
        });

        admin.MapPut("/formulas/score-band", async Task<Results<Ok<FormulaEdited>, ValidationProblem>> (
            ScoreBandFormula formula, CrmOrg org, CrmWriter writer, ILogger<CrmWriter> logger, CancellationToken cancellationToken) =>
        {
            var validation = new RequestValidation()
                .Require(Math.Abs(formula.WarmAt) <= MaxScore, "warmAt", $"warmAt is a score, between -{MaxScore:N0} and {MaxScore:N0} (what Score__c, a Number(18, 0) field, holds).")
                .Require(Math.Abs(formula.HotAt) <= MaxScore, "hotAt", $"hotAt is a score, between -{MaxScore:N0} and {MaxScore:N0} (what Score__c, a Number(18, 0) field, holds).");
            if (validation.IsValid && formula.WarmAt >= formula.HotAt)
                validation.Add("warmAt", "warmAt must be below hotAt.");
            if (!validation.IsValid)
                return validation.Problem("The formula is not valid");
            var before = await org.ReplaceScoreBand(formula, cancellationToken);
            var recalculated = await writer.RecalculateScoreBands(before, formula, cancellationToken);
            LogFormulaEdited(logger, formula.WarmAt, formula.HotAt, recalculated);
            return TypedResults.Ok(new FormulaEdited(formula, recalculated));
        });

        admin.MapAdminRecords();

        return admin;
    }

    private static async Task<Ok<AdminState>> State(
        CrmOrg org, ApiAllowance allowance, ConcurrencyGate gate, FaultInjector faults, ICrmRecordStore store, CrmUsers users,
        IOptions<CrmSimulatorOptions> options, CancellationToken cancellationToken)
    {
        var state = await org.State(cancellationToken);
        var feed = await store.ReadFeed(long.MaxValue, 1, cancellationToken);
        return TypedResults.Ok(new AdminState(
            new ClockState(state.Now, state.ClockOffset),
            await Limits(allowance, gate, cancellationToken),
            faults.Current,
            state.ScoreBand,
            new FeedState(feed.Head, feed.Floor, options.Value.Feed.RetainedEntries),
            [.. users.All]));
    }

    private static async Task<LimitsState> Limits(ApiAllowance allowance, ConcurrencyGate gate, CancellationToken cancellationToken)
    {
        var usage = await allowance.Current(cancellationToken);
        return new LimitsState(usage.Limit, usage.Used, usage.Remaining, usage.ResetsAt, gate.Max, gate.InFlight);
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information,
        Message = "Faults set: latency {LatencyMilliseconds} ms, transient rate {TransientErrorRate}, next {FailNextRequests} failing, timeout rate {TimeoutRate}, next {TimeOutNextRequests} timing out, {Phase}")]
    private static partial void LogFaultsChanged(ILogger logger, int latencyMilliseconds, double transientErrorRate, int failNextRequests, double timeoutRate,
        int timeOutNextRequests, FaultPhase phase);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Information, Message = "CRM clock moved: offset {ClockOffset}, now {CrmNow:o}")]
    private static partial void LogClockMoved(ILogger logger, TimeSpan clockOffset, DateTimeOffset crmNow);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Information, Message = "Score_Band__c formula edited (warm at {WarmAt}, hot at {HotAt}); {Recalculated} records recalculated")]
    private static partial void LogFormulaEdited(ILogger logger, decimal warmAt, decimal hotAt, int recalculated);
}
