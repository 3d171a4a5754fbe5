using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Sync.ServiceDefaults.Settings;

// In the client's namespace, so a service that uses the client finds its registration there.
namespace Sync.Clients.Crm;

public static class CrmClientExtensions
{
    /// <summary>
    /// Registers <see cref="ICrmClient"/> (one per process: services hosted together share it and its last known usage),
    /// pointed at Services:Crm:Url and signed in with Services:Crm:AccessToken.
    /// </summary>
    public static IHostApplicationBuilder AddCrmClient(this IHostApplicationBuilder builder)
    {
        if (builder.Services.Any(service => service.ServiceType == typeof(ICrmClient)))
            return builder;

        builder.Services.AddOptions<CrmClientOptions>().BindSettings(CrmClientOptions.Section);
        builder.Services.AddCrmHttpClient();
        return builder;
    }
}
