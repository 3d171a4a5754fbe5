namespace Sync.CrmSimulator.Soql;

public enum SoqlOperator
{
    Equal,
    NotEqual,
    In,
    NotIn,
}
