using MassTransit;

namespace Sync.SyncWorker.BatchForming;

/// <summary>
/// Tells the batcher's <see cref="WaitingRequests"/> which requests the endpoint has received and not yet handed over (being read and
/// checked), so a batch does not leave without them.
/// </summary>
internal sealed class SyncRequestArrivals(WaitingRequests waiting) : IReceiveObserver
{
    /// <summary>Whether <paramref name="received"/> was on its way (counted) and is now here; true only once.</summary>
    public static bool Arrived(ReceiveContext? received) => received?.TryGetPayload(out OnTheWay? onTheWay) == true && onTheWay.Arrive();

    public Task PreReceive(ReceiveContext context)
    {
        context.GetOrAddPayload(() => new OnTheWay());
        waiting.Received();
        return Task.CompletedTask;
    }

    public Task PostReceive(ReceiveContext context) => NeverArrived(context);

    public Task ReceiveFault(ReceiveContext context, Exception exception) => NeverArrived(context);

    public Task PostConsume<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType) where T : class => Task.CompletedTask;

    public Task ConsumeFault<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType, Exception exception) where T : class =>
        Task.CompletedTask;

    private Task NeverArrived(ReceiveContext context)
    {
        if (Arrived(context))
            waiting.NeverArrived();
        return Task.CompletedTask;
    }

    /// <summary>Marks a received request until it reaches the batcher (or ends before it does).</summary>
    private sealed class OnTheWay
    {
        private int _arrived;

        public bool Arrive() => Interlocked.Exchange(ref _arrived, 1) == 0;
    }
}
