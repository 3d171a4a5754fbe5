using System.Text.Json.Serialization;

namespace Sync.SyncWorker.Control;

[JsonConverter(typeof(JsonStringEnumConverter<PauseReason>))]
public enum PauseReason
{
    Starting,
    Operator,
    Allowance,
}
