namespace Sync.Clients.Crm;

/// <summary>The usage the CRM reported on the latest answer to arrive in this process (<see cref="ICrmClient.LastKnownUsage"/>).</summary>
internal sealed class LastKnownCrmUsage
{
    private CrmApiUsage? _usage;

    public CrmApiUsage? Usage => Volatile.Read(ref _usage);

    public void Remember(CrmApiUsage usage) => Volatile.Write(ref _usage, usage);
}
