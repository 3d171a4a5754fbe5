using System.Text.Json;
using Microsoft.Extensions.Options;
using Sync.Contracts;
using Sync.ProspectEditor.Configuration;
using Sync.ProspectEditor.Observability;
using Sync.ProspectEditor.Storage;
using Sync.ServiceDefaults.Messaging;

namespace Sync.ProspectEditor.Outbox;

/// <summary>
/// Publishes what the outboxes hold, with publisher confirms, and removes each event only once the broker confirmed it:
/// at once for fresh writes, and by a periodic sweep for anything a crash or a broker outage left behind.
/// Publishing twice is harmless (consumers dedupe by event id); publishing never is not possible while a mark remains.
/// </summary>
public sealed partial class ProspectOutboxRelay(
    IProspectStore store,
    IImportStore imports,
    OutboxSignal signal,
    ConfirmedPublisher publisher,
    IOptions<OutboxOptions> options,
    TimeProvider time,
    ILogger<ProspectOutboxRelay> logger) : BackgroundService
{
    // The backstop looks at this many keys per SCAN step, and pauses between steps: a slow walk that Redis hardly notices.
    private const int OrphanScanStep = 1000;
    private static readonly TimeSpan OrphanScanPause = TimeSpan.FromMilliseconds(20);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(RelayFreshWrites(stoppingToken), Sweep(stoppingToken), ScanForOrphans(stoppingToken));

    /// <summary>
    /// The backstop of the marks: walks every outbox holding events and marks those without a mark, so the sweep drains
    /// them. A mark is only ever missing after a write slower than MarkGrace whose process then died. How many it marked.
    /// </summary>
    public async Task<int> MarkOrphanedOutboxes(CancellationToken cancellationToken)
    {
        using var activity = ProspectEditorTelemetry.ActivitySource.StartActivity("outbox orphan scan");
        var marked = 0;
        await foreach (var page in store.OutboxesWithEvents(OrphanScanStep, cancellationToken))
        {
            marked += await store.MarkUnmarked(page, cancellationToken);
            await Task.Delay(OrphanScanPause, time, cancellationToken);
        }
        activity?.SetTag("sync.outbox.orphans", marked);
        if (marked > 0)
            LogOrphansMarked(marked);
        return marked;
    }

    /// <summary>Drains one batch of the outboxes the sweep finds; says how many prospects it looked at and events it published.</summary>
    public async Task<OutboxSweep> SweepOnce(CancellationToken cancellationToken)
    {
        var published = await PublishStagedImports(cancellationToken);
        var marks = await store.PendingOutboxes(options.Value.MarkGrace, options.Value.SweepBatch, cancellationToken);
        if (marks.Count == 0)
            return new OutboxSweep(0, published);
        using var activity = ProspectEditorTelemetry.ActivitySource.StartActivity("outbox sweep");
        activity?.SetTag("sync.outbox.prospects", marks.Count);
        foreach (var chunk in marks.Chunk(64))
        {
            var counts = await Task.WhenAll(chunk.Select(async mark =>
            {
                try
                {
                    var count = await Drain(mark.ProspectId, cancellationToken);
                    await store.ReleaseIfDrained(mark, cancellationToken);
                    return count;
                }
                catch (JsonException exception)
                {
                    // One outbox that cannot be read (an entry of another shape) keeps its mark and is reported; the
                    // outboxes after it are drained all the same, rather than waiting behind it for ever.
                    LogOutboxUnreadable(exception, mark.ProspectId);
                    return 0;
                }
            }));
            published += counts.Sum();
        }
        if (published > 0)
            LogSwept(published, marks.Count);
        return new OutboxSweep(marks.Count, published);
    }

    /// <summary>What is still to publish: prospects marked as having outbox events, and import parts staged.</summary>
    public async Task<OutboxBacklog> Backlog(CancellationToken cancellationToken) =>
        new(await store.PendingOutboxCount(cancellationToken), await imports.StagedCount(cancellationToken));

    private async Task RelayFreshWrites(CancellationToken stoppingToken)
    {
        var batch = new HashSet<long>();
        try
        {
            while (await signal.Reader.WaitToReadAsync(stoppingToken))
            {
                batch.Clear();
                while (batch.Count < 256 && signal.Reader.TryRead(out var prospectId))
                    batch.Add(prospectId);
                try
                {
                    await Task.WhenAll(batch.Select(prospectId => Drain(prospectId, stoppingToken)));
                }
                catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
                {
                    // Left in the outbox: the sweep publishes it once the broker (or Redis) is back.
                    LogRelayFailed(exception, batch.Count);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task Sweep(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    while ((await SweepOnce(stoppingToken)).Prospects >= options.Value.SweepBatch && !stoppingToken.IsCancellationRequested)
                    {
                    }
                }
                catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
                {
                    LogSweepFailed(exception);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task ScanForOrphans(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(options.Value.SweepInterval, time, stoppingToken);
            using var timer = new PeriodicTimer(options.Value.OrphanScanInterval, time);
            do
            {
                try
                {
                    await MarkOrphanedOutboxes(stoppingToken);
                }
                catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
                {
                    LogOrphanScanFailed(exception);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task<int> PublishStagedImports(CancellationToken cancellationToken)
    {
        var staged = await imports.Staged(100, cancellationToken);
        foreach (var part in staged)
        {
            await publisher.Publish(part, cancellationToken);
            await imports.Unstage(part.EventId, cancellationToken);
        }
        return staged.Count;
    }

    private async Task<int> Drain(long prospectId, CancellationToken cancellationToken)
    {
        var events = await store.ReadOutbox(prospectId, cancellationToken);
        if (events.Count == 0)
            return 0;
        await publisher.PublishBatch(events, cancellationToken);
        await store.Acknowledge(prospectId, events.Select(change => change.EventId).ToList(), cancellationToken);
        return events.Count;
    }

    [LoggerMessage(EventId = 5221, Level = LogLevel.Information, Message = "Outbox sweep published {EventCount} events left behind ({ProspectCount} prospects marked)")]
    private partial void LogSwept(int eventCount, int prospectCount);

    [LoggerMessage(EventId = 5222, Level = LogLevel.Warning, Message = "Could not publish the outboxes of {ProspectCount} prospects; the sweep retries them")]
    private partial void LogRelayFailed(Exception exception, int prospectCount);

    [LoggerMessage(EventId = 5223, Level = LogLevel.Error, Message = "The outbox of prospect {ProspectId} holds an event that cannot be read; it stays in the outbox, marked, for an operator")]
    private partial void LogOutboxUnreadable(Exception exception, long prospectId);

    [LoggerMessage(EventId = 5224, Level = LogLevel.Warning, Message = "Outbox sweep failed; it retries at the next interval")]
    private partial void LogSweepFailed(Exception exception);

    [LoggerMessage(EventId = 5225, Level = LogLevel.Warning, Message = "Outbox backstop found {ProspectCount} prospects with events but no mark, and marked them for the sweep")]
    private partial void LogOrphansMarked(int prospectCount);

    [LoggerMessage(EventId = 5226, Level = LogLevel.Warning, Message = "Outbox backstop scan failed; it runs again at the next interval")]
    private partial void LogOrphanScanFailed(Exception exception);
}

public readonly record struct OutboxSweep(int Prospects, int Published);

/// <summary>
/// What prospect-editor has accepted but not yet seen confirmed by the broker. A mark stays for Outbox:MarkGrace after its
/// events are published, so a backlog of zero means everything written so far has been published.
/// </summary>
public sealed record OutboxBacklog(long MarkedProspects, long StagedImportParts)
{
    public bool Drained => MarkedProspects == 0 && StagedImportParts == 0;
}
