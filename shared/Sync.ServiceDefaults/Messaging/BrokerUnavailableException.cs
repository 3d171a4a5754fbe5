namespace Sync.ServiceDefaults.Messaging;

/// <summary>The broker did not confirm a publish: the request is not accepted, and the caller may safely retry it.</summary>
public sealed class BrokerUnavailableException(string messageType, Exception inner)
    : Exception($"The message broker did not confirm {messageType}, so the request is not accepted; retrying it is safe.", inner);
