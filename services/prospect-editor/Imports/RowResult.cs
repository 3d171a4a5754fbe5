namespace Sync.ProspectEditor.Imports;

/// <summary>What writing a row did to its prospect.</summary>
public enum RowResult { Created, Updated, Unchanged }

/// <param name="Revision">The prospect's revision as the row wrote it; 0 when the row changed nothing.</param>
public readonly record struct RowOutcome(long ProspectId, RowResult Result, long Revision);
