namespace Sync.Clients.Crm;

/// <summary>The CRM failed in a way a retry can mend: a 5xx answer, a timeout, too many concurrent requests.</summary>
public sealed class CrmTransientException(string message, Exception? inner = null) : Exception(message, inner);
