using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Sync.ServiceDefaults;
using Sync.ServiceDefaults.Settings;

// In the client's namespace, so a service that uses the client finds its registration there.
namespace Sync.Clients.ProspectEditor;

public static class ProspectEditorClientExtensions
{
    /// <summary>
    /// Registers <see cref="IProspectEditorClient"/>, pointed at Services:ProspectEditor:Url with the API key; once per process,
    /// so services hosted together (embedded) do not stack a second key header on the same client.
    /// </summary>
    public static IHostApplicationBuilder AddProspectEditorClient(this IHostApplicationBuilder builder)
    {
        if (builder.Services.Any(service => service.ServiceType == typeof(IProspectEditorClient)))
            return builder;

        builder.Services.AddOptions<ProspectEditorClientOptions>().BindSettings(ProspectEditorClientOptions.Section)
            .PostConfigure<IOptions<SyncOptions>>((options, sync) => options.ApiKey ??= sync.Value.ApiKey);
        builder.Services.AddProspectEditorHttpClient();
        return builder;
    }
}
