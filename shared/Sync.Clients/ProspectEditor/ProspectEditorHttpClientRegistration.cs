using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
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
            .Validate(options => options.Timeout >= TimeSpan.FromMilliseconds(10) && options.Timeout <= TimeSpan.FromHours(1),
                $"{ProspectEditorClientOptions.Section}:Timeout must be between 10 ms and an hour.")
            .Validate(options => options.RetryDelay >= TimeSpan.Zero && options.RetryDelay <= TimeSpan.FromMinutes(1),
                $"{ProspectEditorClientOptions.Section}:RetryDelay must be between 0 and a minute.");
        services.AddTransient<ResilienceRefusalHandler>();
        var client = services.AddHttpClient(ProspectEditorClient.HttpClientName, (provider, http) =>
        {
            var settings = provider.GetRequiredService<IOptions<ProspectEditorClientOptions>>().Value;
            http.BaseAddress = new Uri(settings.Url.ToString().TrimEnd('/') + "/");
            http.DefaultRequestHeaders.Add(ProspectEditorClientOptions.ApiKeyHeader, settings.ApiKey);
            // The resilience handler times each attempt out; HttpClient's own timeout would cut a retry short.
            http.Timeout = System.Threading.Timeout.InfiniteTimeSpan;
        });
        // Outside the pipeline, so what it refuses reaches callers as the exceptions HttpClient throws.
        client.AddHttpMessageHandler<ResilienceRefusalHandler>();
        client.AddStandardResilienceHandler().Configure((resilience, provider) =>
        {
            var settings = provider.GetRequiredService<IOptions<ProspectEditorClientOptions>>().Value;
            resilience.Retry.MaxRetryAttempts = 1;
            resilience.Retry.Delay = settings.RetryDelay;
            resilience.Retry.ShouldHandle = ProspectEditorRetries.ShouldRetry;
            resilience.AttemptTimeout.Timeout = settings.Timeout;
            // Room for both attempts and the delay, and one attempt's worth more: on a busy machine the first attempt's timeout
            // fires late, and the retry must still get its whole time rather than be cut short by the total.
            resilience.TotalRequestTimeout.Timeout = settings.Timeout * 3 + settings.RetryDelay * 2;
            // The pipeline's rule: a breaker samples at least two attempts' time.
            resilience.CircuitBreaker.SamplingDuration = TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(30).Ticks, (settings.Timeout * 2).Ticks));
        });
        services.AddSingleton<IProspectEditorClient, ProspectEditorClient>();
        return options;
    }
}
