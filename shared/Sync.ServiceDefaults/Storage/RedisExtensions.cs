using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Sync.ServiceDefaults.Health;
using Sync.ServiceDefaults.Settings;

namespace Sync.ServiceDefaults.Storage;

public static class RedisExtensions
{
    /// <summary>
    /// One shared connection to Redis. It is made lazily and retried in the background, so a service starts
    /// (and reports not-ready) while Redis is down, instead of failing to start.
    /// </summary>
    public static IHostApplicationBuilder AddSyncRedis(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RedisOptions>().BindSettings(RedisOptions.Section)
            .Validate(options => RedisOptions.NamesAServer(options.ConnectionString),
                "Redis:ConnectionString is not a StackExchange.Redis configuration string naming a server; expected host:port[,option=value...], such as localhost:6379.");
        builder.Services.AddSingleton<IConnectionMultiplexer>(services =>
        {
            var options = services.GetRequiredService<IOptions<RedisOptions>>().Value;
            var configuration = ConfigurationOptions.Parse(options.ConnectionString);
            configuration.AbortOnConnectFail = false;
            configuration.ClientName ??= builder.ServiceName();
            var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Sync.Redis");
            logger.LogInformation("Connecting to Redis at {RedisEndpoints}", RedisOptions.Servers(options.ConnectionString));
            return ConnectionMultiplexer.Connect(configuration);
        });
        builder.Services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", tags: ["ready"]);
        builder.Services.AddReadinessDependency(new ReadinessDependency("redis", "Redis",
            services => RedisOptions.Servers(services.GetRequiredService<IOptions<RedisOptions>>().Value.ConnectionString)));
        return builder;
    }

    /// <summary>The keys a service owns, under the configured prefix.</summary>
    public static RedisKeys KeysFor(this IOptions<RedisOptions> options, string owner) => new(options.Value.KeyPrefix, owner);
}
