using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Sync.ServiceDefaults.Http;

/// <summary>
/// How every Sync service reads a request, set once: the operator key checked before anything else, then the body held to
/// its limit and checked (<see cref="RequestBodyGuard"/>), then bound with JSON options that refuse what would otherwise be
/// half-applied. Whatever of it is bad is answered 400, 413 or 415 by <see cref="ProblemExceptionHandler"/>, never 500.
/// </summary>
public static class RequestReading
{
    public static IHostApplicationBuilder AddRequestReading(this IHostApplicationBuilder builder)
    {
        ApiKeyAuthentication.Add(builder.Services);
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            // A member given twice is refused rather than the last one winning (JsonBodyCheck refuses it first, with its path).
            json.SerializerOptions.AllowDuplicateProperties = false;
            // A constructor parameter without a default value must be in the body: a missing warmAt is refused, not read as 0.
            // A request record says what may be left out by giving it a default (string? ChangedBy = null).
            json.SerializerOptions.RespectRequiredConstructorParameters = true;
        });
        return builder;
    }

    /// <summary>The key check and the body guard, in that order; after the exception handler, so what they refuse is a problem.</summary>
    public static WebApplication UseRequestReading(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseMiddleware<RequestBodyGuard>();
        return app;
    }
}
