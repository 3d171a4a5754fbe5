namespace Sync.Clients.Crm;

/// <summary>Field API names the sync relies on.</summary>
public static class CrmFields
{
    public const string Id = "Id";
    public const string Email = "Email";
    public const string OwnerId = "OwnerId";
    public const string LastModifiedDate = "LastModifiedDate";
    public const string LastModifiedById = "LastModifiedById";
    public const string IsConverted = "IsConverted";
    public const string ConvertedContactId = "ConvertedContactId";

    /// <summary>The prospect id, kept on the CRM record the way Pardot keeps its own.</summary>
    public const string ProspectId = "ProspectId__c";
}
