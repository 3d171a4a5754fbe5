using Sync.ServiceDefaults.Messaging;
using Sync.Testing;

namespace Sync.SyncEvaluator.Tests.Pipeline;

/// <summary>
/// Plain JSON that is not the contract lands in the entry point's error queue with an MT-Fault-Message that names the member
/// path and the form expected, whatever is wrong: a member of the wrong type, a missing member, or a body that is not JSON.
/// </summary>
[Collection(nameof(EvaluatorPipeline))]
public sealed class FaultReasonTests(EvaluatorHost evaluator)
{
    private const string Valid = """{"eventId":"6c3b1f0e-0000-4000-8000-00000000000a","prospectId":5,"occurredAt":"2026-11-27T10:00:00Z","kind":"FormSubmission"}""";

    private const string Activity = SyncQueues.EvaluatorJsonActivity;

    /// <summary>The entry point and the body published, then what the fault reason must say: the path, and the form expected.</summary>
    public static TheoryData<string, string, string, string> WrongBodies => new()
    {
        { Activity, Valid.Replace("\"6c3b1f0e-0000-4000-8000-00000000000a\"", "\"not-a-guid\"", StringComparison.Ordinal), "$.eventId is a string", "expected a GUID, such as" },
        { Activity, Valid.Replace("\"prospectId\":5", "\"prospectId\":\"five\"", StringComparison.Ordinal), "$.prospectId is a string", "expected a whole number" },
        { Activity, Valid.Replace("\"prospectId\":5", "\"prospectId\":5.5", StringComparison.Ordinal), "$.prospectId is a number", "expected a whole number" },
        { Activity, Valid.Replace("2026-11-27T10:00:00Z", "yesterday", StringComparison.Ordinal), "$.occurredAt is a string", "expected an ISO 8601 date and time" },
        { Activity, Valid.Replace("\"FormSubmission\"", "\"Telepathy\"", StringComparison.Ordinal), "$.kind is a string", "expected one of PageView, FormSubmission," },
        { Activity, Valid.Replace("\"prospectId\":5,", "", StringComparison.Ordinal), "missing required properties: $.prospectId", "(expected a whole number)" },
        { Activity, "this is not JSON", "$ is not JSON", "expected a JSON object" },
        { Activity, """["an","array"]""", "$ is an array", "expected a JSON object with the ProspectActivityRecorded members" },
        {
            SyncQueues.EvaluatorJsonImport,
            """{"eventId":"6c3b1f0e-0000-4000-8000-00000000000b","importId":"6c3b1f0e-0000-4000-8000-00000000000c","occurredAt":"2026-11-27T10:00:00Z","prospectIds":[1,"two"]}""",
            "$.prospectIds[1] is a string", "expected a whole number"
        },
    };

    [Theory]
    [MemberData(nameof(WrongBodies))]
    public async Task FaultReasonNamesTheMemberPathAndTheFormExpected(string entryPoint, string body, string path, string expected)
    {
        var marker = Guid.NewGuid().ToString();

        Assert.True(await evaluator.Broker.PublishJson(entryPoint, "", body, new Dictionary<string, object> { ["test-marker"] = marker }));
        var rejected = await Eventually.Until(async () => (await evaluator.Broker.Peek(entryPoint + "_error"))
            .FirstOrDefault(message => message.Header("test-marker") == marker), $"the rejected message in {entryPoint}_error");

        var reason = rejected.Header("MT-Fault-Message");
        Assert.Contains(path, reason, StringComparison.Ordinal);
        Assert.Contains(expected, reason, StringComparison.Ordinal);
    }
}
