using Sync.CrmSimulator.Storage.Records;

namespace Sync.CrmSimulator.Writing;

/// <summary>
/// One attempt at a save, as its planners fill it: each record's outcome (decided once, by the first check that fails it or
/// by the planner that saves it) and the writes to commit together, all stamped with the same moment.
/// </summary>
public sealed class SaveBatch(int count, DateTimeOffset now)
{
    /// <summary>The CRM's clock at the start of the attempt, to the millisecond, as Salesforce stores it.</summary>
    public DateTimeOffset Now { get; } = DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds());

    /// <summary>Each record's outcome; null while still to be decided.</summary>
    public SaveOutcome?[] Outcomes { get; } = new SaveOutcome?[count];

    public List<RecordWrite> Writes { get; } = [];

    /// <summary>Whether record <paramref name="index"/> is still to be decided: no check has failed it yet.</summary>
    public bool Open(int index) => Outcomes[index] is null;

    public IReadOnlyList<SaveOutcome> Decided() =>
        [.. Outcomes.Select(outcome => outcome ?? throw new InvalidOperationException("A save left a record without an outcome."))];
}
