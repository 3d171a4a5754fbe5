using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Sync.ServiceDefaults.Http;

/// <summary>
/// The operator key as an ASP.NET Core authentication scheme, so that the authorization middleware checks it before the
/// endpoint runs: parameter binding reads the body before any endpoint filter, so a key checked in a filter would let anyone
/// make the service read (and fail on) a body. A missing key is answered 401, a wrong one 403.
/// </summary>
internal sealed class ApiKeyAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "SyncApiKey";
    public const string Policy = "SyncOperator";

    public static void Add(IServiceCollection services)
    {
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, ApiKeyAuthentication>(SchemeName, null);
        services.AddAuthorizationBuilder().AddPolicy(Policy, policy => policy.AddAuthenticationSchemes(SchemeName).RequireAuthenticatedUser());
    }

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.ContainsKey(ApiKeyFilter.Header))
            return Task.FromResult(AuthenticateResult.NoResult());
        if (ApiKeyFilter.Refusal(Context) is not null)
            return Task.FromResult(AuthenticateResult.Fail($"The {ApiKeyFilter.Header} header does not hold this deployment's operator key."));
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "operator")], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var refusal = ApiKeyFilter.Refusal(Context) ?? ApiKeyFilter.Missing();
        if (refusal.StatusCode == StatusCodes.Status401Unauthorized)
            Response.Headers.WWWAuthenticate = $"{ApiKeyFilter.Header} realm=\"sync\"";
        await refusal.ExecuteAsync(Context);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) => ApiKeyFilter.NotAccepted().ExecuteAsync(Context);
}
