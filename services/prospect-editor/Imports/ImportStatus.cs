using System.Text.Json.Serialization;

namespace Sync.ProspectEditor.Imports;

[JsonConverter(typeof(JsonStringEnumConverter<ImportStatus>))]
public enum ImportStatus
{
    Running,
    Completed,

    /// <summary>
    /// Stopped part-way (a record too long to read on, Redis unavailable, the upload cut off or cancelled): the rows before
    /// <see cref="ImportReport.LastLine"/> were imported, and their prospects are still synced; <see cref="ImportReport.Failure"/> says why.
    /// </summary>
    Failed,
}
