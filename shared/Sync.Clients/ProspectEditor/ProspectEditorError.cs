using System.Net;
using System.Text.Json;

namespace Sync.Clients.ProspectEditor;

internal static class ProspectEditorError
{
    private const int MaxDetailLength = 500;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task ThrowUnlessSuccess(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
            throw await Read(response, cancellationToken);
    }

    /// <summary>True when prospect-editor said that no such prospect exists; false on success; any other failure throws.</summary>
    public static async Task<bool> IsProspectNotFound(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
            return false;
        var error = await Read(response, cancellationToken);
        if (error is { Status: HttpStatusCode.NotFound, ProblemType: ProspectEditorProblems.ProspectNotFound })
            return true;
        throw error;
    }

    private static async Task<ProspectEditorException> Read(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var detail = body.Length > MaxDetailLength ? body[..MaxDetailLength] : body;
        var problem = response.Content.Headers.ContentType?.MediaType is "application/problem+json" or "application/json" ? Problem(body) : null;
        return new ProspectEditorException(response.StatusCode, detail)
        {
            ProblemType = problem?.Type,
            Errors = problem?.Errors,
        };
    }

    private static ProblemBody? Problem(string body)
    {
        try
        {
            return JsonSerializer.Deserialize<ProblemBody>(body, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record ProblemBody(string? Type, Dictionary<string, string[]>? Errors);
}
