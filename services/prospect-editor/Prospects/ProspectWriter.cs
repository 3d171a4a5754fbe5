using Sync.Contracts;
using Sync.ProspectEditor.Outbox;
using Sync.ProspectEditor.Storage;

namespace Sync.ProspectEditor.Prospects;

/// <summary>
/// The one writer of prospects: every change is read, edited, and written back with a compare-and-set on the revision,
/// together with the <see cref="ProspectChanged"/> that announces it. A lost race is retried on the fresh value.
/// </summary>
public sealed partial class ProspectWriter(IProspectStore store, OutboxSignal signal, TimeProvider time, ILogger<ProspectWriter> logger)
{
    private const int MaxAttempts = 20;

    /// <summary>
    /// The prospect with this normalised address, created if there is none; one address is always one prospect, however
    /// many callers race. <paramref name="fields"/> are set on a prospect this creates; with <paramref name="fillBlanks"/>
    /// they also fill the empty fields of one that exists.
    /// </summary>
    public async Task<(Prospect Prospect, bool Created)> FindOrCreate(
        string email, IReadOnlyDictionary<string, string?> fields, string? assignedUser, ChangeAttribution by, bool fillBlanks,
        CancellationToken cancellationToken)
    {
        var claim = await store.Claim(email, cancellationToken);
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var existing = await store.Get(claim.ProspectId, cancellationToken);
            if (existing is not null)
            {
                if (!fillBlanks)
                    return (existing, false);
                var filled = await Update(existing, prospect => ProspectEdits.FillBlanks(prospect, fields), by, cancellationToken);
                return (filled!.Prospect, false);
            }

            // The address is claimed but its prospect not written yet: by a racing caller, or by one that crashed
            // after claiming. Either way the prospect to create has the claimed id; whoever writes it first creates it.
            var now = time.GetUtcNow();
            var created = new Prospect
            {
                Id = claim.ProspectId,
                Email = email,
                Fields = fields.Where(field => !string.IsNullOrEmpty(field.Value))
                    .ToDictionary(field => field.Key, field => field.Value!, StringComparer.Ordinal),
                AssignedUser = string.IsNullOrWhiteSpace(assignedUser) ? null : assignedUser.Trim(),
                Revision = 1,
                CreatedAt = now,
                UpdatedAt = now,
            };
            var change = Announce(created, new ProspectEdit(created, ProspectChangeKind.Created,
                [ProspectFields.Email, .. created.Fields.Keys, .. created.AssignedUser is null ? Array.Empty<string>() : [ProspectFields.AssignedUser]]), by);
            if (await store.TryWrite(created, expectedRevision: 0, change, cancellationToken))
            {
                signal.Written(created.Id);
                LogCreated(created.Id, by.Origin);
                return (created, true);
            }
        }
        throw new InvalidOperationException($"Prospect {claim.ProspectId} kept changing while it was being created.");
    }

    /// <summary>
    /// Applies <paramref name="edit"/> to the current prospect and writes it with its event; null when there is no such
    /// prospect. An edit that changes nothing writes nothing and publishes nothing.
    /// </summary>
    public async Task<WriteResult?> Update(long prospectId, Func<Prospect, ProspectEdit?> edit, ChangeAttribution by, CancellationToken cancellationToken) =>
        await store.Get(prospectId, cancellationToken) is { } current ? await Update(current, edit, by, cancellationToken) : null;

    /// <summary>
    /// As <see cref="Update(long, Func{Prospect, ProspectEdit?}, ChangeAttribution, CancellationToken)"/>, starting from
    /// a prospect the caller has just read: the store is read again only after a lost compare-and-set.
    /// </summary>
    public async Task<WriteResult?> Update(Prospect read, Func<Prospect, ProspectEdit?> edit, ChangeAttribution by, CancellationToken cancellationToken)
    {
        var current = read;
        for (var attempt = 1; ; attempt++)
        {
            if (edit(current) is not { } change)
                return new WriteResult(current, null);

            var updated = change.Updated with { Revision = current.Revision + 1, UpdatedAt = Later(time.GetUtcNow(), current.UpdatedAt) };
            var announced = Announce(updated, change, by);
            if (await store.TryWrite(updated, current.Revision, announced, cancellationToken))
            {
                signal.Written(current.Id);
                return new WriteResult(updated, announced);
            }
            if (attempt == MaxAttempts)
                throw new InvalidOperationException($"Prospect {current.Id} kept changing under {MaxAttempts} attempts to write it.");
            if (await store.Get(current.Id, cancellationToken) is not { } fresh)
                return null;
            current = fresh;
        }
    }

    private static ProspectChanged Announce(Prospect prospect, ProspectEdit edit, ChangeAttribution by) => new()
    {
        EventId = Guid.NewGuid(),
        ProspectId = prospect.Id,
        OccurredAt = prospect.UpdatedAt,
        Kind = edit.Kind,
        Origin = by.Origin,
        Revision = prospect.Revision,
        ChangedFields = edit.ChangedFields,
        ChangedBy = by.ChangedBy,
        SyncId = by.SyncId,
        DoNotSync = prospect.DoNotSync,
    };

    // "Updated at" never goes backwards, even when this replica's clock is behind the one that wrote last.
    private static DateTimeOffset Later(DateTimeOffset now, DateTimeOffset previous) => now > previous ? now : previous.AddMilliseconds(1);

    [LoggerMessage(EventId = 5241, Level = LogLevel.Debug, Message = "Prospect {ProspectId} created ({Origin})")]
    private partial void LogCreated(long prospectId, ChangeOrigin origin);
}

/// <summary>The prospect after a write, and the event published for it (null when nothing changed).</summary>
public sealed record WriteResult(Prospect Prospect, ProspectChanged? Change)
{
    public bool Changed => Change is not null;
}
