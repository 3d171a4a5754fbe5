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

    /// <summary>
    /// How many decisions are kept per prospect for the explanation, newest first: enough for the last few syncs and every event
    /// between them (each decision is also logged and traced, for anything older). About 340 bytes each in Redis, so 50 take
    /// about 18 KB per prospect; see <see cref="DecisionsRetention"/>.
    /// </summary>
    public int DecisionsKept { get; init; } = 50;

    /// <summary>
    /// How long a prospect's decisions are kept after its latest one; each new decision starts the time again. The prospect's
    /// state is kept for good: Do Not Sync and the versions must never be forgotten.
    /// <para>
    /// Memory per prospect in Redis 7 (measured with services/sync-evaluator/Storage/measure-prospect-memory.sh): the state hash
    /// about 350 bytes, for good; the decisions about 340 bytes each, up to <see cref="DecisionsKept"/> (18 KB for 50), until
    /// this retention passes without one, so only prospects active within it pay for them; the outbox about 380 bytes while a
    /// sync is outstanding; the ids of the events of the last <see cref="DedupeWindow"/>, about 55 bytes each up to 128 of them
    /// and about 140 bytes each beyond. So a prospect with 30 events this month takes about 12.5 KB, one with 200 events this
    /// week about 46 KB (28 KB of it event ids, gone with the week), one quiet for a month about 350 bytes.
    /// </para>
    /// </summary>
    public TimeSpan DecisionsRetention { get; init; } = TimeSpan.FromDays(30);

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
