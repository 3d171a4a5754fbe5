using System.Net;

namespace Sync.Clients.ProspectEditor;

/// <summary>prospect-editor answered with an error; <see cref="Transient"/> tells a retry apart from a request that will never succeed.</summary>
public sealed class ProspectEditorException(HttpStatusCode status, string detail)
    : Exception($"prospect-editor answered {(int)status}: {detail}")
{
    public HttpStatusCode Status { get; } = status;

    /// <summary>The problem's type (RFC 9457), when prospect-editor answered with problem details.</summary>
    public string? ProblemType { get; init; }

    /// <summary>What prospect-editor found wrong with the request, by member (a 400's "errors"); null when it named none.</summary>
    public IReadOnlyDictionary<string, string[]>? Errors { get; init; }

    public bool Transient => Status is HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway
        or HttpStatusCode.GatewayTimeout or HttpStatusCode.InternalServerError;
}
