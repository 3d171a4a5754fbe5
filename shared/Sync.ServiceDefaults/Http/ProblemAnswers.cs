using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Sync.ServiceDefaults.Http;

/// <summary>
/// Says in the OpenAPI document that endpoints answer problem details with these statuses. Unlike ASP.NET Core's
/// <c>ProducesProblem</c> it applies to a route group too, for answers a group's filter or authorization gives.
/// </summary>
public static class ProblemAnswers
{
    private static readonly string[] ProblemContentTypes = ["application/problem+json"];

    public static TBuilder ProducesProblems<TBuilder>(this TBuilder builder, params int[] statuses)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(statuses.Select(status => (object)Answer(status)).ToArray());

    /// <summary>
    /// Says what the shared request pipeline may answer on any endpoint of the group, whatever its handler returns: the
    /// exception handler's 500, and its 503 (with Retry-After) when the broker or Redis is away; on an endpoint that takes a
    /// body (POST, PUT, PATCH), <see cref="RequestBodyGuard"/>'s and the binder's 400 (malformed), 413 (too large) and 415
    /// (not UTF-8 JSON). A status the endpoint declares itself (from its return type or its own metadata) is left as it is.
    /// Endpoints that check their own body (<see cref="RequestBodyLimits.ChecksItsOwnBody"/>) answer those in their own shape.
    /// </summary>
    public static TBuilder ProducesRequestProblems<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        // Finally: the return type's metadata and the endpoint's own conventions are in place by then.
        builder.Finally(endpoint =>
        {
            var ownBody = endpoint.Metadata.OfType<OwnBodyChecks>().Any();
            var takesBody = endpoint.Metadata.OfType<IHttpMethodMetadata>().LastOrDefault()?.HttpMethods
                .Any(method => HttpMethods.IsPost(method) || HttpMethods.IsPut(method) || HttpMethods.IsPatch(method)) == true;
            int[] statuses = takesBody && !ownBody
                ? [StatusCodes.Status400BadRequest, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType,
                    StatusCodes.Status500InternalServerError, StatusCodes.Status503ServiceUnavailable]
                : [StatusCodes.Status500InternalServerError, StatusCodes.Status503ServiceUnavailable];
            var declared = endpoint.Metadata.OfType<IProducesResponseTypeMetadata>().Select(answer => answer.StatusCode).ToHashSet();
            foreach (var status in statuses.Where(status => !declared.Contains(status)))
                endpoint.Metadata.Add(Answer(status));
        });
        return builder;
    }

    private static ProducesResponseTypeMetadata Answer(int status) =>
        new(status, status == StatusCodes.Status400BadRequest ? typeof(HttpValidationProblemDetails) : typeof(ProblemDetails), ProblemContentTypes);
}
