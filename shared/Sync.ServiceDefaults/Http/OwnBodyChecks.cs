namespace Sync.ServiceDefaults.Http;

/// <summary>Marks an endpoint that reads and checks its own body; see <see cref="RequestBodyLimits.ChecksItsOwnBody"/>.</summary>
internal sealed class OwnBodyChecks;
