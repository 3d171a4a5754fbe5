using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Sync.CrmSimulator.Configuration;
using Sync.CrmSimulator.Schema;

namespace Sync.CrmSimulator.Users;

public sealed record CrmUser(string Id, string Name);

/// <summary>The org's users, and which one a bearer token signs in as.</summary>
public sealed class CrmUsers
{
    private readonly List<(byte[] Token, CrmUser User)> _tokens = [];
    private readonly Dictionary<string, CrmUser> _byId = new(StringComparer.Ordinal);

    public CrmUsers(IOptions<CrmSimulatorOptions> options)
    {
        foreach (var (key, configured) in options.Value.Users)
        {
            SalesforceId.TryNormalize(configured.UserId, out var id);
            var user = new CrmUser(id, configured.Name.Length > 0 ? configured.Name : key);
            _byId[id] = user;
            if (configured.Token is not null)
                _tokens.Add((Encoding.UTF8.GetBytes(configured.Token), user));
        }
        AutomatedProcess = _byId[Normalize(options.Value.Users[CrmSimulatorOptions.AutomatedProcessUserKey].UserId)];
    }

    /// <summary>The user that commits what no person did, such as formula recalculations.</summary>
    public CrmUser AutomatedProcess { get; }

    public IEnumerable<CrmUser> All => _byId.Values;

    public CrmUser? ById(string id) => _byId.GetValueOrDefault(id);

    /// <summary>The user an "Authorization: Bearer token" header signs in as, or null.</summary>
    public CrmUser? Authenticate(string? authorization)
    {
        const string scheme = "Bearer ";
        if (authorization is null || !authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            return null;
        var presented = Encoding.UTF8.GetBytes(authorization[scheme.Length..].Trim());
        CrmUser? match = null;
        foreach (var (token, user) in _tokens)
        {
            if (CryptographicOperations.FixedTimeEquals(token, presented))
                match = user;
        }
        return match;
    }

    private static string Normalize(string id) => SalesforceId.TryNormalize(id, out var normalized) ? normalized : id;
}
