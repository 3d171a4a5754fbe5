namespace Sync.CrmSimulator.Schema;

/// <summary>A field's type, as the describe resource names it (in lower case).</summary>
public enum FieldKind
{
    Id,
    String,
    Email,
    Phone,
    Url,
    Picklist,
    Number,
    Boolean,
    Date,
    DateTime,
    Reference,
}
