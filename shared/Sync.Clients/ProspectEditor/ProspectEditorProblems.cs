namespace Sync.Clients.ProspectEditor;

/// <summary>The problem types prospect-editor answers with where a caller must tell one failure from another.</summary>
public static class ProspectEditorProblems
{
    /// <summary>No prospect has the id or e-mail address asked for; a 404 of any other type (a wrong URL) is not this.</summary>
    public const string ProspectNotFound = "https://sync.dev/problems/prospect-not-found";
}
