using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace Sync.Clients.Crm;

public static class CrmHttpClientRegistration
{
    /// <summary>
    /// Registers <see cref="ICrmClient"/> over HTTP (one per process: services hosted together share it and its last known
    /// usage), configured by <see cref="CrmClientOptions"/>; the caller binds the options, this adds their rules. Calls go
    /// through a circuit breaker and never a retry: every call is charged to the allowance, so retrying is the caller's choice.
    /// </summary>
    public static OptionsBuilder<CrmClientOptions> AddCrmHttpClient(this IServiceCollection services)
    {
        var options = services.AddOptions<CrmClientOptions>()
            .Validate(options => options.Url is { IsAbsoluteUri: true }, $"{CrmClientOptions.Section}:Url must be an absolute URL such as http://localhost:5105.")
            .Validate(options => !string.IsNullOrWhiteSpace(options.AccessToken), $"{CrmClientOptions.Section}:AccessToken is required: the bearer token of the CRM user to act as.")
            .Validate(options => options.Timeout > TimeSpan.Zero, $"{CrmClientOptions.Section}:Timeout must be positive.")
            .Validate(options => options.CircuitBreaker.FailureRatio is > 0 and <= 1,
                $"{CrmClientOptions.Section}:CircuitBreaker:FailureRatio must be above 0 and at most 1.")
            .Validate(options => options.CircuitBreaker.MinimumThroughput >= 2,
                $"{CrmClientOptions.Section}:CircuitBreaker:MinimumThroughput must be at least 2.")
            .Validate(options => options.CircuitBreaker.SamplingDuration >= TimeSpan.FromMilliseconds(500) && options.CircuitBreaker.BreakDuration >= TimeSpan.FromMilliseconds(500),
                $"{CrmClientOptions.Section}:CircuitBreaker:SamplingDuration and BreakDuration must be at least 500 ms.");
        services.AddSingleton<LastKnownCrmUsage>();
        services.AddSingleton<CrmApiTransport>();
        services.AddTransient<CrmApiUsageHandler>();
        var crm = services.AddHttpClient(CrmApiTransport.HttpClientName, (provider, http) =>
        {
            var settings = provider.GetRequiredService<IOptions<CrmClientOptions>>().Value;
            http.BaseAddress = new Uri(new Uri(settings.Url.ToString().TrimEnd('/') + "/"), CrmApiTransport.ApiPath);
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", settings.AccessToken);
            http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            http.Timeout = settings.Timeout;
        });
        crm.AddResilienceHandler("crm-circuit-breaker", (pipeline, context) =>
        {
            var breaker = context.ServiceProvider.GetRequiredService<IOptions<CrmClientOptions>>().Value.CircuitBreaker;
            pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
            {
                FailureRatio = breaker.FailureRatio,
                MinimumThroughput = breaker.MinimumThroughput,
                SamplingDuration = breaker.SamplingDuration,
                BreakDuration = breaker.BreakDuration,
            });
        });
        // Inside the breaker: every answer that arrives is read, whatever the breaker makes of it.
        crm.AddHttpMessageHandler<CrmApiUsageHandler>();
        services.AddSingleton<ICrmClient, HttpCrmClient>();
        return options;
    }
}
