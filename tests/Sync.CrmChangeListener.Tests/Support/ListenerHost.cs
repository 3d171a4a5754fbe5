using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Sync.Clients.ProspectEditor;
using Sync.Contracts;
using Sync.CrmChangeListener.Apis;
using Sync.CrmChangeListener.Extensions;
using Sync.CrmChangeListener.Feed;
using Sync.CrmSimulator.Tests.Support;
using Sync.ServiceDefaults.Messaging;
using Sync.Testing;
using Sync.Testing.Hosting;

namespace Sync.CrmChangeListener.Tests.Support;

/// <summary>crm-change-listener hosted as its Program.cs hosts it, following a simulator, publishing to an isolated virtual host.</summary>
public sealed class ListenerHost : IAsyncDisposable
{
    private ListenerHost(TestServiceHost host) => Host = host;

    public TestServiceHost Host { get; }

    /// <summary>crm-change-listener as its Program.cs hosts it.</summary>
    public static ServiceRecipe Recipe { get; } =
        new("crm-change-listener", builder => builder.AddCrmChangeListener(), bus => bus.AddCrmChangeListenerConsumers(), app => app.MapCrmChangeListenerApi());

    /// <summary>On the caller's virtual host and key prefix, which it disposes itself.</summary>
    public static Task<ListenerHost> Start(
        IsolatedVirtualHost broker, IsolatedKeyPrefix redis, SimulatorHost crm, IProspectEditorClient prospects,
        IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? replace = null) =>
        Start(new ServerLane(broker, redis), crm, prospects, settings, replace);

    /// <param name="settings">The listener's own knobs, over the lane's and the fast polling.</param>
    /// <param name="replace">Registrations that replace the listener's own, such as a position store that fails on cue.</param>
    public static async Task<ListenerHost> Start(
        TestLane lane, SimulatorHost crm, IProspectEditorClient prospects,
        IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? replace = null)
    {
        var builder = For(lane, crm, prospects).WithSettings(settings);
        if (replace is not null)
            builder.ReplaceServices(replace);
        return new ListenerHost(await builder.Start());
    }

    /// <summary>The listener following <paramref name="crm"/> closely, asking <paramref name="prospects"/> who a record's prospect is.</summary>
    public static TestHostBuilder For(TestLane lane, SimulatorHost crm, IProspectEditorClient prospects) =>
        TestHostBuilder.For(Recipe, lane)
            .BeforeService(services => services.AddSingleton(prospects))
            .WithSettings(new Dictionary<string, string?>
            {
                ["Services:Crm:Url"] = crm.Address.ToString(),
                ["CrmFeed:PollInterval"] = "00:00:00.050",
                ["CrmFeed:FirstRetryDelay"] = "00:00:00.050",
                ["CrmFeed:MaxRetryDelay"] = "00:00:00.500",
            });

    public async Task<FeedStatus> Status() => (await Host.Http.GetFromJsonAsync<FeedStatus>("feed/status", JsonSerializerOptions.Web))!;

    /// <summary>The barrier: the listener has handled every change up to <paramref name="position"/> (published with confirms, or skipped).</summary>
    public Task AtPosition(long position) =>
        Eventually.True(async () => (await Status()).Position >= position, $"the listener to handle the CRM change feed up to position {position}");

    public ValueTask DisposeAsync() => Host.DisposeAsync();
}

/// <summary>The CrmRecordChanged messages waiting in the sync-evaluator queue, as the evaluator will receive them.</summary>
public sealed record PublishedChange(Guid EventId, long ProspectId, string ObjectType, string CrmRecordId, string Kind, DateTimeOffset? LastModifiedDate,
    string? CommittedBy, IReadOnlyList<string> ChangedFields, long? FeedPosition)
{
    public static async Task<IReadOnlyList<PublishedChange>> InQueue(IsolatedVirtualHost broker) =>
        [.. (await broker.Peek(SyncQueues.EvaluatorEvents, 5000))
            .Where(message => message.MessageType == nameof(CrmRecordChanged))
            .Select(message => message.Message<PublishedChange>())];
}
