namespace Sync.SyncWorker.BatchForming;

/// <summary>
/// Wakes whoever waits for a condition over state guarded by <paramref name="guard"/> whenever that state changes: the
/// condition is checked under the lock, and a change signalled after the check is never missed.
/// </summary>
internal sealed class ChangeSignal(Lock guard, TimeProvider time)
{
    private TaskCompletionSource _changed = New();

    /// <summary>Waits until <paramref name="condition"/> holds or, when given, <paramref name="longest"/> has passed.</summary>
    public async Task WaitUntil(Func<bool> condition, TimeSpan? longest, CancellationToken stopping)
    {
        var deadline = longest is { } most ? time.GetUtcNow() + most : (DateTimeOffset?)null;
        while (true)
        {
            Task changed;
            lock (guard)
            {
                if (condition())
                    return;
                changed = _changed.Task;
            }
            if (deadline is not { } until)
            {
                await changed.WaitAsync(stopping);
                continue;
            }
            var left = until - time.GetUtcNow();
            if (left <= TimeSpan.Zero)
                return;
            try
            {
                await changed.WaitAsync(left, time, stopping);
            }
            catch (TimeoutException)
            {
                return;
            }
        }
    }

    public void Signal()
    {
        TaskCompletionSource changed;
        lock (guard)
        {
            changed = _changed;
            _changed = New();
        }
        changed.TrySetResult();
    }

    private static TaskCompletionSource New() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
