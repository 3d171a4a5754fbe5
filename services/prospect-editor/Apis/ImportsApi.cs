using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Sync.ProspectEditor.Configuration;
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
            .WithSummary("Imports a CSV file (text/csv, UTF-8, a header row with an email column): creates or updates a prospect per row and forces a sync of every prospect in the file. "
                + "201 with the report; 422 when a record too long stopped it part-way; 503 when Redis failed part-way (importing the file again is safe)")
            .WithMetadata(new RequestSizeLimitAttribute(maxFileBytes))
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status500InternalServerError).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        imports.MapGet("/{importId:guid}", GetReport).WithName("GetImportReport").WithSummary("Reads an import's report: its totals and each rejected row by line")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return imports;
    }

    /// <summary>
    /// The body is read as it arrives, row by row; the answer comes when the last row is written. An import that stops
    /// part-way has imported the rows before its last line and says so; importing the same file again is safe, since rows
    /// already imported change nothing (their prospects are only synced again).
    /// </summary>
    private static async Task<Results<Created<ImportReport>, ValidationProblem, ProblemHttpResult, EmptyHttpResult>> Import(
        HttpContext http, [FromQuery] string? importedBy, ProspectImporter importer, CancellationToken cancellationToken)
    {
        var request = http.Request;
        var mediaType = request.ContentType?.Split(';')[0].Trim();
        if (mediaType is not ("text/csv" or "application/csv" or "text/plain"))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "CSV expected",
                detail: "Send the file as the request body with Content-Type: text/csv (UTF-8).");
        }

        var validation = new RequestValidation().Report("importedBy", ProspectValues.ChangedBy(importedBy));
        if (!validation.IsValid)
            return validation.Problem("Nothing was imported");

        ImportOutcome outcome;
        try
        {
            outcome = await importer.Import(request.Body, importedBy?.Trim(), cancellationToken);
        }
        catch (ImportFailedException failed)
        {
            // A caller that went away reads no answer; its report says what happened.
            return cancellationToken.IsCancellationRequested ? TypedResults.Empty : Stopped(http, failed.Report, failed.InnerException!);
        }
        if (outcome.Rejected is { } rejected)
            return TypedResults.ValidationProblem(rejected.Problems.ToDictionary(problem => problem.Key, problem => new[] { problem.Value }),
                title: "The file's header cannot be imported; nothing was imported");
        var report = outcome.Report!;
        return report.Status == ImportStatus.Failed
            ? TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: $"The import stopped at line {report.LastLine}",
                detail: $"{report.Failure} The rows before it were imported.", extensions: ReportOf(report))
            : TypedResults.Created($"/imports/{report.ImportId}", report);
    }

    /// <summary>What an import that failed part-way answers: how far it got, and that sending the file again is safe.</summary>
    private static ProblemHttpResult Stopped(HttpContext http, ImportReport report, Exception cause)
    {
        var applied = $"{report.Failure} The rows before line {report.LastLine} were imported and their prospects are synced "
            + $"(report: /imports/{report.ImportId}); importing the whole file again changes nothing those rows already set.";
        return cause is BadHttpRequestException bad
            ? TypedResults.Problem(statusCode: bad.StatusCode, title: "The upload failed", detail: applied, extensions: ReportOf(report))
            : PartlyApplied.Problem(http, cause, applied, ReportOf(report));
    }

    private static Dictionary<string, object?> ReportOf(ImportReport report) => new()
    {
        ["importId"] = report.ImportId,
        ["lastLine"] = report.LastLine,
        ["report"] = report,
    };

    private static async Task<Results<Ok<ImportReport>, ProblemHttpResult>> GetReport(Guid importId, IImportStore store, CancellationToken cancellationToken) =>
        await store.GetReport(importId, cancellationToken) is { } report
            ? TypedResults.Ok(report)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Import not found", detail: $"No import has id {importId} (reports are kept for a while).");
}
