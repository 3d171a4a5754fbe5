namespace Sync.CrmSimulator.Soql;

public enum SoqlTokenKind
{
    Word,
    Text,
    Number,
    Symbol,
    End,
}
