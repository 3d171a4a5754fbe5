namespace Sync.CrmChangeListener.Storage;

public sealed class InMemoryCrmFeedCursorStore : ICrmFeedCursorStore
{
    private long _position = -1;

    public Task<long?> Load(CancellationToken cancellationToken)
    {
        var position = Interlocked.Read(ref _position);
        return Task.FromResult(position < 0 ? null : (long?)position);
    }

    public Task Save(long position, CancellationToken cancellationToken)
    {
        long current;
        do
        {
            current = Interlocked.Read(ref _position);
            if (current >= position)
                return Task.CompletedTask;
        }
        while (Interlocked.CompareExchange(ref _position, position, current) != current);
        return Task.CompletedTask;
    }
}
