using Sync.ServiceDefaults.Storage;

namespace Sync.SyncEvaluator.Storage;

/// <summary>The sync-state scripts, embedded from Storage/Lua, each with the shared prelude in front.</summary>
internal static class LuaScripts
{
    public static readonly string ApplyChange = Load("apply-change");
    public static readonly string MarkPublished = Load("mark-published");
    public static readonly string ReissueIfExpired = Load("reissue-if-expired");
    public static readonly string Due = Load("due");
    public static readonly string ScheduleAhead = Load("schedule-ahead");
    public static readonly string Reschedule = Read("reschedule");

    private static string Load(string name) => Read("prelude") + "\n" + Read(name);

    private static string Read(string name) => EmbeddedLuaScript.Load<RedisSyncStateStore>($"Lua/{name}.lua");
}
