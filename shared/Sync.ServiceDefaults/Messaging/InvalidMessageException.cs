namespace Sync.ServiceDefaults.Messaging;

/// <summary>
/// A message that can never be processed, whatever the retries: it goes straight to the queue's "_error" twin,
/// with this message (naming the member) in its MT-Fault-Message header.
/// </summary>
public sealed class InvalidMessageException(string messageType, IReadOnlyList<string> problems)
    : Exception($"{messageType} rejected: {string.Join("; ", problems)}")
{
    public string MessageType { get; } = messageType;

    public IReadOnlyList<string> Problems { get; } = problems;
}
