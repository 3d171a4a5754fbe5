using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Sync.ServiceDefaults.Http;

/// <summary>
/// Operator-facing endpoints require the configured key in the X-Api-Key header. It is checked by the authorization
/// middleware (<see cref="ApiKeyAuthentication"/>), before the endpoint reads anything of the request.
/// </summary>
public static class ApiKeyFilter
{
    public const string Header = "X-Api-Key";

    /// <summary>Requires the key, and says in the OpenAPI document that a missing key is answered 401 and a wrong one 403.</summary>
    public static TBuilder RequireApiKey<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(ApiKeyAuthentication.Policy)
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden);

    /// <summary>The 401 or 403 problem to answer when the request does not carry the operator key; null when it does.</summary>
    public static ProblemHttpResult? Refusal(HttpContext http)
    {
        var expected = http.RequestServices.GetRequiredService<IOptions<SyncOptions>>().Value.ApiKey;
        var presented = http.Request.Headers[Header].ToString();
        if (presented.Length == 0)
            return Missing();
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(expected)))
            return NotAccepted();
        return null;
    }

    internal static ProblemHttpResult Missing() =>
        TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "API key required", detail: $"Send the operator API key in the {Header} header.");

    internal static ProblemHttpResult NotAccepted() =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "API key not accepted",
            detail: $"The key in the {Header} header is not this deployment's operator key.");
}
