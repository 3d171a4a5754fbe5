using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Sync.Clients.ProspectEditor;

public static class ProspectEditorHttpClientRegistration
{
    /// <summary>
    /// Registers <see cref="IProspectEditorClient"/> over HTTP, configured by <see cref="ProspectEditorClientOptions"/>: the
    /// caller binds the options (this adds their rules) and sets <see cref="ProspectEditorClientOptions.ApiKey"/>.
    /// </summary>
    public static OptionsBuilder<ProspectEditorClientOptions> AddProspectEditorHttpClient(this IServiceCollection services)
    {
        var options = services.AddOptions<ProspectEditorClientOptions>()
            .Validate(options => options.HasValidUrl, $"{ProspectEditorClientOptions.Section}:Url must be an absolute http or https address, such as http://localhost:5102.")
            .Validate(options => options.Timeout > TimeSpan.Zero, $"{ProspectEditorClientOptions.Section}:Timeout must be positive.");
        services.AddHttpClient<IProspectEditorClient, ProspectEditorClient>((provider, http) =>
        {
            var settings = provider.GetRequiredService<IOptions<ProspectEditorClientOptions>>().Value;
            http.BaseAddress = new Uri(settings.Url.ToString().TrimEnd('/') + "/");
            http.DefaultRequestHeaders.Add(ProspectEditorClientOptions.ApiKeyHeader, settings.ApiKey);
            http.Timeout = settings.Timeout;
        });
        return options;
    }
}
