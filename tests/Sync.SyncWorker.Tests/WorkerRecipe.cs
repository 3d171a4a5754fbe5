using Sync.SyncWorker.Apis;
using Sync.SyncWorker.Extensions;
using Sync.Testing.Hosting;

namespace Sync.SyncWorker.Tests;

/// <summary>The sync-worker as its Program.cs hosts it, for <see cref="TestHostBuilder"/>.</summary>
public static class WorkerRecipe
{
    public static ServiceRecipe Service { get; } = new(
        "sync-worker",
        builder => builder.AddSyncWorker(),
        bus => bus.AddSyncWorkerConsumers(),
        app => app.MapSyncWorkerApi());
}
