using System.Globalization;

namespace Sync.CrmSimulator.Schema;

/// <summary>The thresholds of the Score_Band__c formula; an admin may edit the formula, which changes no record.</summary>
public sealed record ScoreBandFormula(decimal WarmAt, decimal HotAt)
{
    public static ScoreBandFormula Default { get; } = new(50, 100);

    public string? Band(string? score) =>
        score is null || !decimal.TryParse(score, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? null
        : value >= HotAt ? "Hot"
        : value >= WarmAt ? "Warm"
        : "Cold";
}
