namespace Sync.Clients.Crm;

/// <summary>The change types of <see cref="CrmChange.ChangeType"/>, named as Change Data Capture names them.</summary>
public static class CrmChangeTypes
{
    public const string Create = "CREATE";
    public const string Update = "UPDATE";
    public const string Delete = "DELETE";
    public const string Undelete = "UNDELETE";
}
