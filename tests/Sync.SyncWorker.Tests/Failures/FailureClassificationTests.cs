using System.Net;
using StackExchange.Redis;
using Sync.Clients.Crm;
using Sync.Clients.ProspectEditor;
using Sync.SyncWorker.Allowance;
using Sync.SyncWorker.Failures;
using Sync.SyncWorker.Storage.Allowance;
using Sync.Testing;

namespace Sync.SyncWorker.Tests.Failures;

/// <summary>The one list of transient failures, and what every failure of a batch means for its requests: pure.</summary>
[FastLane]
public sealed class FailureClassificationTests
{
    public static TheoryData<Exception> TransientCalls() =>
    [
        new CrmTransientException("The CRM answered 503 Service Unavailable."),
        new HttpRequestException("Connection refused"),
        new TimeoutException(),
        new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout"),
    ];

    [Theory]
    [MemberData(nameof(TransientCalls))]
    public void ACallWithoutAnAnswerIsTransientForTheControlLoopAndSendsABatchToRetry(Exception failure)
    {
        Assert.True(FailureClassification.IsTransientCall(failure, CancellationToken.None));
        Assert.Equal(BatchFailure.Transient, FailureClassification.Classify(failure, CancellationToken.None));
    }

    [Fact]
    public void ACallTheCallerCancelledIsNotTransient()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.False(FailureClassification.IsTransientCall(new TaskCanceledException(), cancelled.Token));
        Assert.Equal(BatchFailure.Unexpected, FailureClassification.Classify(new TaskCanceledException(), cancelled.Token));
    }

    public static TheoryData<Exception> ConfigurationOrStoreFaults() =>
    [
        new CrmRequestException("Session expired or invalid", [], HttpStatusCode.Unauthorized),
        new CrmRequestException("Forbidden", [], HttpStatusCode.Forbidden),
        new ProspectEditorException(HttpStatusCode.Unauthorized, "The API key was refused."),
        new ProspectEditorException(HttpStatusCode.ServiceUnavailable, "prospect-editor is restarting"),
        new RedisConnectionException(ConnectionFailureType.UnableToConnect, CommandFlags.None, "No connection is available", null, CommandStatus.Unknown),
    ];

    [Theory]
    [MemberData(nameof(ConfigurationOrStoreFaults))]
    public void RefusedCredentialsOrAStoreAwaySendABatchToRetryButAreNoTransientCall(Exception failure)
    {
        Assert.Equal(BatchFailure.Transient, FailureClassification.Classify(failure, CancellationToken.None));
        Assert.False(FailureClassification.IsTransientCall(failure, CancellationToken.None));
    }

    [Fact]
    public void ASpentAllowanceWhetherTheWorkersPacingOrTheCrmsRefusalPutsTheBatchBack()
    {
        Assert.Equal(BatchFailure.AllowanceSpent, FailureClassification.Classify(
            new AllowanceDeferredException(new AllowanceDecision(false, TimeSpan.Zero, Spent: true, null)), CancellationToken.None));
        Assert.Equal(BatchFailure.AllowanceSpent, FailureClassification.Classify(
            new CrmRequestLimitExceededException(new CrmApiUsage(100, 100), null), CancellationToken.None));
    }

    [Fact]
    public void ARequestTheCrmRefusesIsRefusedAndAnythingUnknownIsUnexpected()
    {
        var refused = new CrmRequestException("JSON_PARSER_ERROR", [new CrmError("JSON_PARSER_ERROR", "Unexpected character", [])], HttpStatusCode.BadRequest);

        Assert.Equal(BatchFailure.RequestRefused, FailureClassification.Classify(refused, CancellationToken.None));
        Assert.Equal("JSON_PARSER_ERROR", FailureClassification.ReasonOf(refused).ErrorCode);
        Assert.Equal("REQUEST_REFUSED", FailureClassification.ReasonOf(new CrmRequestException("Bad request", [])).ErrorCode);
        Assert.Equal(BatchFailure.Unexpected, FailureClassification.Classify(new InvalidOperationException(), CancellationToken.None));
        Assert.Equal(BatchFailure.Unexpected, FailureClassification.Classify(new ProspectEditorException(HttpStatusCode.BadRequest, "invalid"), CancellationToken.None));
    }

    [Theory]
    [InlineData("UNABLE_TO_LOCK_ROW", true)]
    [InlineData(CrmErrorCodes.PreconditionFailed, true)]
    [InlineData("STRING_TOO_LONG", false)]
    [InlineData("ENTITY_IS_DELETED", false)]
    public void OnlyALockedRecordOrOneChangedSinceTheLookupIsRetried(string errorCode, bool retried) =>
        Assert.Equal(retried, FailureClassification.IsTransientRecordError(new CrmError(errorCode, "", [])));
}
