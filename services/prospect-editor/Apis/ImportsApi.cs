using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Sync.ProspectEditor.Imports;
using Sync.ProspectEditor.Prospects;
using Sync.ProspectEditor.Storage;
using Sync.ServiceDefaults.Http;

namespace Sync.ProspectEditor.Apis;

public static class ImportsApi
{
    public static RouteGroupBuilder MapImportsApi(this RouteGroupBuilder api)
    {
        var maxFileBytes = ((IEndpointRouteBuilder)api).ServiceProvider.GetRequiredService<IOptions<ImportOptions>>().Value.MaxFileBytes;
        var imports = api.MapGroup("/imports").WithTags("Imports");
        imports.MapPost("", Import).WithName("ImportProspects")
            .WithSummary("Imports a CSV file (text/csv, UTF-8, a header row with an email column): creates or updates a prospect per row and forces a sync of every prospect in the file")
            .WithMetadata(new RequestSizeLimitAttribute(maxFileBytes));
        imports.MapGet("/{importId:guid}", GetReport).WithName("GetImportReport").WithSummary("Reads an import's report: its totals and each rejected row by line");
        return imports;
    }

    /// <summary>The body is read as it arrives, row by row; the answer comes when the last row is written.</summary>
    private static async Task<IResult> Import(HttpRequest request, [FromQuery] string? importedBy, ProspectImporter importer, CancellationToken cancellationToken)
    {
        var mediaType = request.ContentType?.Split(';')[0].Trim();
        if (mediaType is not ("text/csv" or "application/csv" or "text/plain"))
        {
            return Results.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "CSV expected",
                detail: "Send the file as the request body with Content-Type: text/csv (UTF-8).");
        }

        var validation = new RequestValidation().Report("importedBy", ProspectValues.ChangedBy(importedBy));
        if (!validation.IsValid)
            return validation.Problem("Nothing was imported");

        var outcome = await importer.Import(request.Body, importedBy?.Trim(), cancellationToken);
        if (outcome.Rejected is { } rejected)
            return Results.ValidationProblem(rejected.Problems.ToDictionary(problem => problem.Key, problem => new[] { problem.Value }),
                title: "The file's header cannot be imported; nothing was imported");
        var report = outcome.Report!;
        return Results.Created($"/imports/{report.ImportId}", report);
    }

    private static async Task<IResult> GetReport(Guid importId, IImportStore store, CancellationToken cancellationToken) =>
        await store.GetReport(importId, cancellationToken) is { } report
            ? Results.Ok(report)
            : Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Import not found", detail: $"No import has id {importId} (reports are kept for a while).");
}
