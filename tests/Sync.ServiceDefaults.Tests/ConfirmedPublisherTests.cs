using System.Reflection;
using MassTransit;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Sync.ServiceDefaults.Messaging;
using Sync.Testing;

namespace Sync.ServiceDefaults.Tests;

/// <summary>The publish timeout of the HTTP edges runs on the injected TimeProvider.</summary>
[FastLane]
public sealed class ConfirmedPublisherTests
{
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromHours(1);

    [Fact]
    public async Task APublishTheBrokerNeverConfirmsIsUnavailableOnceThePublishTimeoutIsOverOnTheServicesClock()
    {
        var clock = new FakeTimeProvider();
        var publisher = new ConfirmedPublisher(DispatchProxy.Create<IBus, SilentBus>(), Options.Create(new RabbitMqOptions { PublishTimeout = PublishTimeout }), clock);

        var publishing = publisher.Publish(new Probe(), CancellationToken.None);
        clock.Advance(PublishTimeout - TimeSpan.FromSeconds(1));
        Assert.False(publishing.IsCompleted);

        clock.Advance(TimeSpan.FromSeconds(1));
        // A guard against a publisher still on the system clock, which would wait out the hour.
        await Assert.ThrowsAsync<BrokerUnavailableException>(() => publishing.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    public sealed record Probe;

    /// <summary>A broker that takes every publish and confirms none: each ends only when its token is cancelled.</summary>
    public class SilentBus : DispatchProxy
    {
        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod?.Name != nameof(IPublishEndpoint.Publish) || args is not [_, CancellationToken token])
                throw new NotSupportedException($"The silent bus only publishes; {targetMethod?.Name} was called.");
            return Task.Delay(Timeout.InfiniteTimeSpan, token);
        }
    }
}
