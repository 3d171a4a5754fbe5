namespace Sync.CrmSimulator.Configuration;

/// <summary>One user of the org ("CrmSimulator:Users:<key>").</summary>
public sealed class CrmUserOptions
{
    /// <summary>An 18-character user id (key prefix 005).</summary>
    public string UserId { get; set; } = "";

    public string Name { get; set; } = "";

    /// <summary>The bearer token that signs in as this user; none for users nobody signs in as.</summary>
    public string? Token { get; set; }
}
