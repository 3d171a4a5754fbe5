namespace Sync.ProspectEditor.Apis;

public static class ProspectEditorApi
{
    /// <summary>The HTTP API of prospect-editor (port 5102 by default).</summary>
    public static RouteGroupBuilder MapProspectEditorApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("");
        return api;
    }
}
