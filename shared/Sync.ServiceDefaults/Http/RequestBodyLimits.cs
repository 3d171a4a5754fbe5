using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Metadata;

namespace Sync.ServiceDefaults.Http;

/// <summary>How much of a request body an endpoint reads: <see cref="Default"/> unless it says otherwise.</summary>
public static class RequestBodyLimits
{
    /// <summary>
    /// What an endpoint reads unless it names its own limit: far above any JSON body Sync's APIs take (a prospect with every
    /// field at its longest is under 100 KB), far below Kestrel's 30 MB.
    /// </summary>
    public const long Default = 1 << 20;

    /// <summary>What a control endpoint's optional body (a reason, in a sentence or two) needs.</summary>
    public const long Control = 4 * 1024;

    /// <summary>Sets the most bytes of body this endpoint reads; a larger body is answered 413 before anything is read.</summary>
    public static TBuilder WithRequestBodyLimit<TBuilder>(this TBuilder builder, long maxBytes)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new BodySizeLimit(maxBytes));

    /// <summary>
    /// The endpoint reads and checks its body itself (with <see cref="JsonBodyCheck"/>), to answer malformed input in a format
    /// of its own, as the crm-simulator's Salesforce-shaped API does: the shared limit, charset and JSON checks are skipped.
    /// </summary>
    public static TBuilder ChecksItsOwnBody<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new OwnBodyChecks());

    private sealed class BodySizeLimit(long maxBytes) : IRequestSizeLimitMetadata
    {
        public long? MaxRequestBodySize { get; } = maxBytes;
    }
}
