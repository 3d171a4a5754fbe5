using Microsoft.Extensions.Options;
using Sync.CrmSimulator.Configuration;
using Sync.CrmSimulator.Schema;
using Sync.CrmSimulator.Storage.Org;

namespace Sync.CrmSimulator.Org;

/// <summary>
/// The org-wide settings in force: the configured ones, overridden by what an admin changed (kept in the store, so a
/// restart keeps them). Read often, so held for a second; a change made through this process applies at once.
/// </summary>
public sealed class CrmOrg(ICrmOrgStore store, IOptions<CrmSimulatorOptions> options, TimeProvider time)
{
    private static readonly TimeSpan HeldFor = TimeSpan.FromSeconds(1);

    private readonly SemaphoreSlim _update = new(1, 1);
    private volatile Held? _held;

    public async Task<OrgState> State(CancellationToken cancellationToken)
    {
        var held = _held;
        if (held is null || time.GetElapsedTime(held.ReadAt) > HeldFor)
        {
            held = new Held(await store.GetSettings(cancellationToken) ?? new OrgSettings(), time.GetTimestamp());
            _held = held;
        }
        return Resolve(held.Settings);
    }

    /// <summary>The CRM's clock: real time plus the org's clock offset.</summary>
    public async Task<DateTimeOffset> Now(CancellationToken cancellationToken) => (await State(cancellationToken)).Now;

    public async Task<OrgState> Update(Func<OrgSettings, OrgSettings> change, CancellationToken cancellationToken)
    {
        await _update.WaitAsync(cancellationToken);
        try
        {
            var settings = await store.UpdateSettings(change, cancellationToken);
            _held = new Held(settings, time.GetTimestamp());
            return Resolve(settings);
        }
        finally
        {
            _update.Release();
        }
    }

    /// <summary>Moves the CRM's clock on from the offset stored, not the one held: advances made at once all count.</summary>
    public Task<OrgState> AdvanceClock(TimeSpan by, CancellationToken cancellationToken) =>
        Update(settings => settings with { ClockOffset = (settings.ClockOffset ?? options.Value.ClockOffset) + by }, cancellationToken);

    /// <summary>Puts a new Score_Band__c formula in place and answers the one it replaced, as stored, not as held.</summary>
    public async Task<ScoreBandFormula> ReplaceScoreBand(ScoreBandFormula formula, CancellationToken cancellationToken)
    {
        // The last run of the change is the one stored: what it read is the formula replaced.
        var replaced = ScoreBandFormula.Default;
        await Update(settings =>
        {
            replaced = settings.ScoreBand ?? ScoreBandFormula.Default;
            return settings with { ScoreBand = formula };
        }, cancellationToken);
        return replaced;
    }

    private sealed record Held(OrgSettings Settings, long ReadAt);

    private OrgState Resolve(OrgSettings settings)
    {
        var offset = settings.ClockOffset ?? options.Value.ClockOffset;
        return new OrgState(
            time.GetUtcNow() + offset,
            offset,
            settings.DailyApiRequests ?? options.Value.Limits.DailyApiRequests,
            settings.ScoreBand ?? ScoreBandFormula.Default);
    }
}

/// <summary>The org at one moment: its clock, daily allowance and formula definitions.</summary>
public sealed record OrgState(DateTimeOffset Now, TimeSpan ClockOffset, int DailyApiRequests, ScoreBandFormula ScoreBand)
{
    /// <summary>The CRM day the allowance counts against (UTC by the CRM's clock).</summary>
    public string Day => Now.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The next day boundary of the CRM's clock, when the allowance starts again.</summary>
    public DateTimeOffset AllowanceResetsAt => new DateTimeOffset(Now.UtcDateTime.Date, TimeSpan.Zero).AddDays(1);
}
