using MassTransit;

namespace Sync.SyncEvaluator.Consumers;

internal static class ConsumeContextExtensions
{
    /// <summary>A broker redelivery (the first consumer went away) or an in-process retry (the first attempt failed).</summary>
    public static bool DeliveredBefore(this ConsumeContext context) => context.ReceiveContext.Redelivered || context.GetRetryAttempt() > 0;
}
