using Sync.Clients.Crm;
using Sync.Contracts;

namespace Sync.SyncWorker.Matching;

/// <summary>Everything one lookup call returned, indexed for matching.</summary>
public sealed class CrmLookupIndex
{
    private readonly Dictionary<string, CrmRecord> _leads = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CrmRecord> _contacts = new(StringComparer.Ordinal);
    private readonly HashSet<string> _missing = new(StringComparer.Ordinal);

    public void Add(CrmLookupResult result)
    {
        foreach (var lead in result.Leads.Where(lead => lead.Id is not null))
            _leads[lead.Id!] = lead;
        foreach (var contact in result.Contacts.Where(contact => contact.Id is not null))
            _contacts[contact.Id!] = contact;
        _missing.UnionWith(result.MissingIds);
    }

    public CrmRecord? Find(CrmObjectType type, string id) =>
        (type == CrmObjectType.Contact ? _contacts : _leads).GetValueOrDefault(id);

    public bool IsMissing(string id) => _missing.Contains(id);

    public IReadOnlyList<CrmRecord> WithEmail(CrmObjectType type, string email) =>
        (type == CrmObjectType.Contact ? _contacts : _leads).Values
            .Where(record => string.Equals(record.Email?.Trim(), email.Trim(), StringComparison.OrdinalIgnoreCase))
            .ToList();
}
