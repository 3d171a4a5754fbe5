using Sync.Clients.Crm;
using Sync.Contracts;

namespace Sync.CrmSimulator.Schema;

/// <summary>
/// The simulated org's objects: Lead, Contact, Account, Campaign and CampaignMember with the standard fields a marketing
/// sync touches, plus the custom fields ProspectId__c (the marketing prospect id), Score__c, and two formulas —
/// Score_Band__c over Score__c and, on Contacts, Account_Rating__c over the parent Account.
/// </summary>
public static class SObjectSchema
{
    public const string Id = CrmFields.Id;
    public const string IsDeleted = "IsDeleted";
    public const string CreatedDate = "CreatedDate";
    public const string CreatedById = "CreatedById";
    public const string LastModifiedDate = CrmFields.LastModifiedDate;
    public const string LastModifiedById = CrmFields.LastModifiedById;
    public const string SystemModstamp = "SystemModstamp";
    public const string OwnerId = CrmFields.OwnerId;
    public const string Email = CrmFields.Email;
    public const string ProspectId = CrmFields.ProspectId;
    public const string Score = "Score__c";
    public const string ScoreBand = "Score_Band__c";
    public const string AccountRating = "Account_Rating__c";
    public const string User = "User";

    internal static readonly FieldDescribe[] AuditFields =
    [
        new(Id, FieldKind.Id) { Createable = false, Updateable = false, MaxLength = 18 },
        new(IsDeleted, FieldKind.Boolean) { Createable = false, Updateable = false },
        new(CreatedDate, FieldKind.DateTime) { Createable = false, Updateable = false },
        new(CreatedById, FieldKind.Reference) { Createable = false, Updateable = false, ReferenceTo = [User] },
        new(LastModifiedDate, FieldKind.DateTime) { Createable = false, Updateable = false },
        new(LastModifiedById, FieldKind.Reference) { Createable = false, Updateable = false, ReferenceTo = [User] },
        new(SystemModstamp, FieldKind.DateTime) { Createable = false, Updateable = false },
    ];

    private static FieldDescribe Text(string name, int maxLength) => new(name, FieldKind.String) { MaxLength = maxLength };

    private static FieldDescribe Owner() => new(OwnerId, FieldKind.Reference) { ReferenceTo = [User] };

    private static FieldDescribe Formula(string name, FieldKind kind) => new(name, kind) { Createable = false, Updateable = false, Calculated = true };

    private static FieldDescribe ReadOnly(string name, FieldKind kind, params string[] referenceTo) =>
        new(name, kind) { Createable = false, Updateable = false, ReferenceTo = referenceTo };

    public static readonly SObjectDescribe Lead = new("Lead", "00Q", CrmObjectType.Lead,
    [
        Text("FirstName", 40),
        Text("LastName", 80) with { Required = true },
        Formula("Name", FieldKind.String),
        Text("Company", 255) with { Required = true },
        Text("Title", 128),
        new(Email, FieldKind.Email) { MaxLength = 80, Indexed = true },
        new("Phone", FieldKind.Phone) { MaxLength = 40 },
        Text("City", 40),
        Text("Country", 80),
        new("Status", FieldKind.Picklist) { MaxLength = 255, DefaultValue = "Open - Not Contacted" },
        new("LeadSource", FieldKind.Picklist) { MaxLength = 255 },
        new("Rating", FieldKind.Picklist) { MaxLength = 255 },
        new("Industry", FieldKind.Picklist) { MaxLength = 255 },
        new("HasOptedOutOfEmail", FieldKind.Boolean) { DefaultValue = "false" },
        Owner(),
        ReadOnly(CrmFields.IsConverted, FieldKind.Boolean),
        ReadOnly(CrmFields.ConvertedContactId, FieldKind.Reference, "Contact") with { Indexed = true },
        ReadOnly("ConvertedAccountId", FieldKind.Reference, "Account"),
        ReadOnly("ConvertedDate", FieldKind.Date),
        Text(ProspectId, 18) with { Indexed = true },
        new(Score, FieldKind.Number),
        Formula(ScoreBand, FieldKind.String),
    ]);

    public static readonly SObjectDescribe Contact = new("Contact", "003", CrmObjectType.Contact,
    [
        Text("FirstName", 40),
        Text("LastName", 80) with { Required = true },
        Formula("Name", FieldKind.String),
        new("AccountId", FieldKind.Reference) { ReferenceTo = ["Account"], Indexed = true },
        Text("Title", 128),
        new(Email, FieldKind.Email) { MaxLength = 80, Indexed = true },
        new("Phone", FieldKind.Phone) { MaxLength = 40 },
        Text("MailingCity", 40),
        Text("MailingCountry", 80),
        new("LeadSource", FieldKind.Picklist) { MaxLength = 255 },
        new("HasOptedOutOfEmail", FieldKind.Boolean) { DefaultValue = "false" },
        Owner(),
        Text(ProspectId, 18) with { Indexed = true },
        new(Score, FieldKind.Number),
        Formula(ScoreBand, FieldKind.String),
        Formula(AccountRating, FieldKind.String),
    ]);

    public static readonly SObjectDescribe Account = new("Account", "001", CrmObjectType.Account,
    [
        Text("Name", 255) with { Required = true },
        new("Industry", FieldKind.Picklist) { MaxLength = 255 },
        new("Rating", FieldKind.Picklist) { MaxLength = 255 },
        new("Website", FieldKind.Url) { MaxLength = 255 },
        new("Phone", FieldKind.Phone) { MaxLength = 40 },
        Text("BillingCity", 40),
        Text("BillingCountry", 80),
        new("NumberOfEmployees", FieldKind.Number),
        Owner(),
    ]);

    public static readonly SObjectDescribe Campaign = new("Campaign", "701", changeFeedType: null,
    [
        Text("Name", 80) with { Required = true },
        new("Status", FieldKind.Picklist) { MaxLength = 255, DefaultValue = "Planned" },
        new("Type", FieldKind.Picklist) { MaxLength = 255 },
        new("IsActive", FieldKind.Boolean) { DefaultValue = "false" },
        new("StartDate", FieldKind.Date),
        new("EndDate", FieldKind.Date),
        Owner(),
    ]);

    public static readonly SObjectDescribe CampaignMember = new("CampaignMember", "00v", changeFeedType: null,
    [
        new("CampaignId", FieldKind.Reference) { ReferenceTo = ["Campaign"], Required = true, Updateable = false, Indexed = true },
        new("LeadId", FieldKind.Reference) { ReferenceTo = ["Lead"], Updateable = false, Indexed = true },
        new("ContactId", FieldKind.Reference) { ReferenceTo = ["Contact"], Updateable = false, Indexed = true },
        new("Status", FieldKind.Picklist) { MaxLength = 255, DefaultValue = "Sent" },
    ]);

    public static IReadOnlyList<SObjectDescribe> All { get; } = [Lead, Contact, Account, Campaign, CampaignMember];

    public static SObjectDescribe? Find(string? name) =>
        All.FirstOrDefault(type => string.Equals(type.Name, name, StringComparison.OrdinalIgnoreCase));

    public static SObjectDescribe? ForKeyPrefix(string keyPrefix) =>
        All.FirstOrDefault(type => string.Equals(type.KeyPrefix, keyPrefix, StringComparison.Ordinal));
}
