namespace Sync.Clients.Crm;

/// <summary>
/// The change feed no longer keeps the changes after <see cref="RequestedPosition"/>: retention removed them, so a reader
/// that was there has missed changes. Reading can go on from <see cref="OldestRetainedPosition"/>.
/// </summary>
public sealed class CrmFeedCursorExpiredException(long requestedPosition, long? oldestRetainedPosition)
    : Exception($"The CRM change feed no longer keeps the changes after position {requestedPosition}; the oldest it keeps is {oldestRetainedPosition}.")
{
    public long RequestedPosition { get; } = requestedPosition;

    public long? OldestRetainedPosition { get; } = oldestRetainedPosition;
}
