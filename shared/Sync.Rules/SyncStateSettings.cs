namespace Sync.Rules;

/// <summary>The knobs of the sync state, bound from the sync-evaluator's "SyncState" configuration section.</summary>
public sealed record SyncStateSettings
{
    /// <summary>A reported date further ahead of the evaluator's clock than this is recorded as the evaluator's clock.</summary>
    public TimeSpan MaxClockSkew { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long an issued sync may wait for its publish to be confirmed before it is issued again.</summary>
    public TimeSpan PublishGrace { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a published sync may go without completion before it is issued again; doubles each time a lease runs out
    /// (never for a publish that was not confirmed), up to <see cref="MaxLease"/>.
    /// </summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromMinutes(10);

    public TimeSpan MaxLease { get; init; } = TimeSpan.FromHours(6);

    /// <summary>How many decisions are kept per prospect for the explanation.</summary>
    public int DecisionsKept { get; init; } = 50;

    /// <summary>How long an event id is remembered, so that a redelivered copy changes nothing.</summary>
    public TimeSpan DedupeWindow { get; init; } = TimeSpan.FromDays(7);

    /// <summary>How often the evaluator looks for issued syncs whose publish was not confirmed or whose lease ran out.</summary>
    public TimeSpan RelayInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The lease of a sync whose leases ran out <paramref name="leaseExpiries"/> times before: doubled for each, up to the maximum.</summary>
    public TimeSpan LeaseFor(int leaseExpiries)
    {
        var doublings = Math.Clamp(leaseExpiries, 0, 30);
        // Compared before multiplying, so a long lease doubled many times cannot overflow into a short one.
        if (Lease <= TimeSpan.Zero || Lease.Ticks > MaxLease.Ticks >> doublings)
            return MaxLease;
        return TimeSpan.FromTicks(Lease.Ticks << doublings);
    }
}
