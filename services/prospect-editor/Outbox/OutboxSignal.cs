using System.Threading.Channels;

namespace Sync.ProspectEditor.Outbox;

/// <summary>Tells the relay that a prospect's outbox has a new event, so it is published at once rather than at the next sweep.</summary>
public sealed class OutboxSignal
{
    private readonly Channel<long> _written = Channel.CreateBounded<long>(
        new BoundedChannelOptions(100_000) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    /// <summary>Best effort: a dropped signal only means the sweep publishes it, a little later.</summary>
    public void Written(long prospectId) => _written.Writer.TryWrite(prospectId);

    internal ChannelReader<long> Reader => _written.Reader;
}
