using System.Diagnostics;

namespace Sync.Testing;

/// <summary>Waits for an asynchronous outcome by polling it against a deadline; never a bare sleep.</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Polls <paramref name="probe"/> until it returns a value, and returns it; fails with <paramref name="waitingFor"/> at the deadline.</summary>
    public static async Task<T> Until<T>(Func<Task<T?>> probe, string waitingFor, TimeSpan? timeout = null)
        where T : class
    {
        var deadline = Stopwatch.StartNew();
        var limit = timeout ?? DefaultTimeout;
        var delay = TimeSpan.FromMilliseconds(20);
        Exception? lastError = null;
        while (true)
        {
            try
            {
                if (await probe() is { } value)
                    return value;
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                lastError = exception;
            }

            if (deadline.Elapsed > limit)
                throw new TimeoutException($"Timed out after {limit.TotalSeconds:0} s waiting for {waitingFor}." +
                    (lastError is null ? "" : $" Last error: {lastError.Message}"), lastError);
            await Task.Delay(delay);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 250));
        }
    }

    /// <summary>Polls <paramref name="probe"/> until it returns a value, and returns it (for value types, such as a JsonElement).</summary>
    public static async Task<T> Until<T>(Func<Task<T?>> probe, string waitingFor, TimeSpan? timeout = null)
        where T : struct =>
        (T)await Until<object>(async () => await probe(), waitingFor, timeout);

    /// <summary>Polls <paramref name="condition"/> until it holds.</summary>
    public static async Task True(Func<Task<bool>> condition, string waitingFor, TimeSpan? timeout = null) =>
        await Until(async () => await condition() ? "done" : null, waitingFor, timeout);

    public static Task True(Func<bool> condition, string waitingFor, TimeSpan? timeout = null) =>
        True(() => Task.FromResult(condition()), waitingFor, timeout);
}
