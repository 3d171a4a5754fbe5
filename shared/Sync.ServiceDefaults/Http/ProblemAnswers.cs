using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace Sync.ServiceDefaults.Http;

/// <summary>
/// Says in the OpenAPI document that endpoints answer problem details with these statuses. Unlike ASP.NET Core's
/// <c>ProducesProblem</c> it applies to a route group too, for answers a group's filter or authorization gives.
/// </summary>
public static class ProblemAnswers
{
    public static TBuilder ProducesProblems<TBuilder>(this TBuilder builder, params int[] statuses)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(statuses.Select(status => (object)new ProducesResponseTypeMetadata(
            status, status == StatusCodes.Status400BadRequest ? typeof(HttpValidationProblemDetails) : typeof(ProblemDetails),
            ["application/problem+json"])).ToArray());
}
