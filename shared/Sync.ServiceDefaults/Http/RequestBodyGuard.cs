using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Net.Http.Headers;

namespace Sync.ServiceDefaults.Http;

/// <summary>
/// Runs after the API key is checked and before the endpoint binds anything: a request body is held to the endpoint's size
/// limit (<see cref="RequestBodyLimits.Default"/> unless the endpoint names its own), and a JSON body must be UTF-8 and pass
/// <see cref="JsonBodyCheck"/>, or the request is refused whole (400, 413 or 415, answered by the exception handler) before
/// any of it is applied. Endpoints marked <see cref="RequestBodyLimits.ChecksItsOwnBody"/> are left alone.
/// </summary>
internal sealed class RequestBodyGuard(RequestDelegate next)
{
    private const int Utf8CodePage = 65001;

    public async Task InvokeAsync(HttpContext http)
    {
        var endpoint = http.GetEndpoint();
        if (endpoint is null || endpoint.Metadata.GetMetadata<OwnBodyChecks>() is not null)
        {
            await next(http);
            return;
        }

        var limit = Limit(http, endpoint);
        var request = http.Request;
        if (http.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true
            && MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType) && IsJson(mediaType))
        {
            // ReadFromJsonAsync would throw on a charset it cannot name, and transcode one it can: JSON is UTF-8 (RFC 8259).
            if (mediaType.Charset.HasValue && mediaType.Encoding?.CodePage != Utf8CodePage)
                throw new BadHttpRequestException($"The charset '{mediaType.Charset}' is not supported: send JSON as UTF-8 (charset=utf-8, or no charset).",
                    StatusCodes.Status415UnsupportedMediaType);
            var body = await Buffer(request, limit, http.RequestAborted);
            if (body.Length > 0)
                JsonBodyCheck.Check(body.GetBuffer().AsSpan(0, (int)body.Length));
            request.Body = body;
        }
        await next(http);
    }

    private static bool IsJson(MediaTypeHeaderValue mediaType) =>
        mediaType.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
        || mediaType.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase);

    /// <summary>The endpoint's own limit, or the default one; Kestrel enforces it while the body is read.</summary>
    private static long? Limit(HttpContext http, Endpoint endpoint)
    {
        var feature = http.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false } && endpoint.Metadata.GetMetadata<IRequestSizeLimitMetadata>() is null
            && feature.MaxRequestBodySize is null or > RequestBodyLimits.Default)
        {
            feature.MaxRequestBodySize = RequestBodyLimits.Default;
        }
        return feature?.MaxRequestBodySize;
    }

    /// <summary>The whole body in memory, so it is checked before anything binds it; larger than the limit is a 413.</summary>
    private static async Task<MemoryStream> Buffer(HttpRequest request, long? limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
            throw TooLarge(limit.Value);
        var buffer = new MemoryStream((int)Math.Min(request.ContentLength ?? 4096, 1 << 20));
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
                throw TooLarge(limit.Value);
            buffer.Write(chunk, 0, read);
        }
        buffer.Position = 0;
        return buffer;
    }

    private static BadHttpRequestException TooLarge(long limit) =>
        new($"The request body is larger than this endpoint reads ({limit} bytes at most).", StatusCodes.Status413PayloadTooLarge);
}
