using Sync.ServiceDefaults.Http;

namespace Sync.ProspectEditor.Apis;

public static class ProspectEditorApi
{
    /// <summary>Most prospects one lookup or sync write-back may name.</summary>
    public const int MaxBatch = 1000;

    /// <summary>The HTTP API of prospect-editor (port 5102 by default), the one writer of prospects. Every endpoint needs the API key.</summary>
    public static RouteGroupBuilder MapProspectEditorApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("").RequireApiKey().ProducesRequestProblems();
        api.MapProspectsApi();
        api.MapCustomFieldsApi();
        api.MapImportsApi();
        api.MapAutomationRulesApi();
        api.MapOutboxApi();
        return api;
    }
}
