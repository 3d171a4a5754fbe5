using Microsoft.AspNetCore.Http;

namespace Sync.ServiceDefaults.Http;

/// <summary>Reads posted form fields, answering a malformed form as the client's fault (400) rather than the server's.</summary>
public static class FormBody
{
    /// <summary>
    /// The form of a request with a form content type (check <see cref="HttpRequest.HasFormContentType"/> first). The body is
    /// read into memory first (within the endpoint's size limit), so what the form reader throws afterwards can only be about
    /// the form itself: too many fields, a key too long, a NUL character, a multipart body without its boundary or cut short.
    /// </summary>
    public static async Task<IFormCollection> ReadFormOrRefuse(this HttpRequest request, CancellationToken cancellationToken)
    {
        if (!request.Body.CanSeek)
        {
            var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, cancellationToken);
            buffer.Position = 0;
            request.Body = buffer;
        }
        try
        {
            return await request.ReadFormAsync(cancellationToken);
        }
        catch (InvalidDataException exception)
        {
            throw new BadHttpRequestException($"The form cannot be read: {exception.Message}", StatusCodes.Status400BadRequest, exception);
        }
        catch (IOException exception) when (exception is not BadHttpRequestException)
        {
            // The body is in memory, so this is the multipart reader running out of body before the closing boundary.
            throw new BadHttpRequestException(
                "The multipart form ends before its closing boundary: it is cut short, or its parts are not delimited by the boundary its Content-Type names.",
                StatusCodes.Status400BadRequest, exception);
        }
    }
}
