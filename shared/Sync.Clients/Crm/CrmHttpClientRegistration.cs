using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Sync.Clients.Crm;

public static class CrmHttpClientRegistration
{
    /// <summary>
    /// Registers <see cref="ICrmClient"/> over HTTP (one per process: services hosted together share it and its last known
    /// usage), configured by <see cref="CrmClientOptions"/>; the caller binds the options, this adds their rules.
    /// </summary>
    public static OptionsBuilder<CrmClientOptions> AddCrmHttpClient(this IServiceCollection services)
    {
        var options = services.AddOptions<CrmClientOptions>()
            .Validate(options => options.Url is { IsAbsoluteUri: true }, $"{CrmClientOptions.Section}:Url must be an absolute URL such as http://localhost:5105.")
            .Validate(options => !string.IsNullOrWhiteSpace(options.AccessToken), $"{CrmClientOptions.Section}:AccessToken is required: the bearer token of the CRM user to act as.")
            .Validate(options => options.Timeout > TimeSpan.Zero, $"{CrmClientOptions.Section}:Timeout must be positive.");
        services.AddHttpClient(HttpCrmClient.HttpClientName, (provider, http) =>
        {
            var settings = provider.GetRequiredService<IOptions<CrmClientOptions>>().Value;
            http.BaseAddress = new Uri(new Uri(settings.Url.ToString().TrimEnd('/') + "/"), HttpCrmClient.ApiPath);
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", settings.AccessToken);
            http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            http.Timeout = settings.Timeout;
        });
        services.AddSingleton<ICrmClient, HttpCrmClient>();
        return options;
    }
}
