namespace Sync.CrmSimulator.Apis.Salesforce;

/// <summary>
/// The store went away in the middle of a composite request: its message says which subrequests are saved, which one may be,
/// and which never ran, for the 503 the caller gets.
/// </summary>
public sealed class CompositeInterruptedException(string message, Exception storeFailure) : Exception(message, storeFailure);
