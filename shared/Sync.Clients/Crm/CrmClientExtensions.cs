using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Sync.ServiceDefaults.Settings;

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

        builder.Services.AddOptions<CrmClientOptions>()
            .BindSettings(CrmClientOptions.Section)
            .Validate(options => options.Url is { IsAbsoluteUri: true }, $"{CrmClientOptions.Section}:Url must be an absolute URL such as http://localhost:5105.")
            .Validate(options => !string.IsNullOrWhiteSpace(options.AccessToken), $"{CrmClientOptions.Section}:AccessToken is required: the bearer token of the CRM user to act as.")
            .Validate(options => options.Timeout > TimeSpan.Zero, $"{CrmClientOptions.Section}:Timeout must be positive.")
            .ValidateOnStart();
        builder.Services.AddHttpClient(HttpCrmClient.HttpClientName, (services, http) =>
        {
            var options = services.GetRequiredService<IOptions<CrmClientOptions>>().Value;
            http.BaseAddress = new Uri(new Uri(options.Url.ToString().TrimEnd('/') + "/"), HttpCrmClient.ApiPath);
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.AccessToken);
            http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            http.Timeout = options.Timeout;
        });
        builder.Services.AddSingleton<ICrmClient, HttpCrmClient>();
        return builder;
    }
}
