using Microsoft.AspNetCore.Http.HttpResults;
using Sync.ProspectEditor.Outbox;

namespace Sync.ProspectEditor.Apis;

public static class OutboxApi
{
    public static RouteGroupBuilder MapOutboxApi(this RouteGroupBuilder api)
    {
        var outbox = api.MapGroup("/outbox").WithTags("Outbox");
        outbox.MapGet("", Backlog).WithName("GetOutboxBacklog")
            .WithSummary("What is accepted but not yet confirmed by the broker: prospects with outbox events (marks linger for Outbox:MarkGrace) and staged import parts");
        return outbox;
    }

    private static async Task<Ok<OutboxBacklog>> Backlog(ProspectOutboxRelay relay, CancellationToken cancellationToken) =>
        TypedResults.Ok(await relay.Backlog(cancellationToken));
}
