using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Sync.CrmSimulator.Tests.Support;

namespace Sync.CrmSimulator.Tests;

/// <summary>sObject Collections (200 records a call, an answer per record) and composite requests (25 subrequests, one call).</summary>
public sealed class CollectionsAndCompositeTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private SimulatorHost Crm => fixture.Crm;

    [Fact]
    public async Task ACollectionCreateAnswersEachRecordAndSavesTheValidOnes()
    {
        var good = SimulatorHost.NewEmail("good");
        var results = await Send(HttpMethod.Post, "composite/sobjects", new
        {
            allOrNone = false,
            records = new object[]
            {
                new { attributes = new { type = "Lead" }, LastName = "Good", Company = "Fine", Email = good },
                new { attributes = new { type = "Lead" }, LastName = "NoCompany" },
                new { attributes = new { type = "Contact" }, LastName = "Contact", Email = "broken@" },
                new { attributes = new { type = "Gadget" }, Name = "Unknown" },
            },
        });

        Assert.Equal(4, results.GetArrayLength());
        Assert.True(results[0].GetProperty("success").GetBoolean());
        Assert.StartsWith("00Q", results[0].GetProperty("id").GetString(), StringComparison.Ordinal);
        AssertRecordError(results[1], "REQUIRED_FIELD_MISSING", "Company");
        AssertRecordError(results[2], "INVALID_EMAIL_ADDRESS", "Email");
        AssertRecordError(results[3], "INVALID_TYPE");
        Assert.Equal(1, (await Crm.Query($"SELECT Id FROM Lead WHERE Email = '{good}'")).GetProperty("totalSize").GetInt32());
    }

    [Fact]
    public async Task AllOrNoneSavesNothingWhenOneRecordFails()
    {
        var email = SimulatorHost.NewEmail("all-or-none");
        var head = await Crm.Head();

        var results = await Send(HttpMethod.Post, "composite/sobjects", new
        {
            allOrNone = true,
            records = new object[]
            {
                new { attributes = new { type = "Contact" }, LastName = "Valid", Email = email },
                new { attributes = new { type = "Contact" }, FirstName = "NoLastName" },
            },
        });

        AssertRecordError(results[0], "ALL_OR_NONE_OPERATION_ROLLED_BACK");
        AssertRecordError(results[1], "REQUIRED_FIELD_MISSING", "LastName");
        Assert.Equal(0, (await Crm.Query($"SELECT Id FROM Contact WHERE Email = '{email}'")).GetProperty("totalSize").GetInt32());
        Assert.Equal(head, await Crm.Head());
    }

    [Fact]
    public async Task ACollectionUpdateAnswersEachRecord()
    {
        var updated = await Crm.CreateLead("Before", SimulatorHost.NewEmail());
        var deleted = await Crm.CreateLead("Deleted", SimulatorHost.NewEmail());
        (await Crm.Sales.DeleteAsync($"sobjects/Lead/{deleted}")).Dispose();

        var results = await Send(HttpMethod.Patch, "composite/sobjects", new
        {
            allOrNone = false,
            records = new object[]
            {
                new { attributes = new { type = "Lead" }, id = updated, LastName = "After" },
                new { attributes = new { type = "Lead" }, id = deleted, LastName = "Zombie" },
                new { attributes = new { type = "Lead" }, id = "00QSy0000099999IAA", LastName = "Nobody" },
                new { attributes = new { type = "Lead" }, id = updated, Title = "Twice" },
            },
        });

        Assert.True(results[0].GetProperty("success").GetBoolean());
        Assert.Equal(updated, results[0].GetProperty("id").GetString());
        AssertRecordError(results[1], "ENTITY_IS_DELETED");
        AssertRecordError(results[2], "NOT_FOUND");
        AssertRecordError(results[3], "DUPLICATE_ID");
        Assert.Equal("After", (await Crm.Read("Lead", updated)).GetProperty("LastName").GetString());
    }

    [Fact]
    public async Task ACollectionUpdateWithIfUnmodifiedSinceSavesOnlyRecordsNobodyChangedSinceTheyWereRead()
    {
        var untouched = await Crm.CreateLead("Untouched", SimulatorHost.NewEmail());
        var editedMeanwhile = await Crm.CreateLead("Edited", SimulatorHost.NewEmail());
        var readUntouched = (await Crm.Read("Lead", untouched)).GetProperty("LastModifiedDate").GetString();
        var readEdited = (await Crm.Read("Lead", editedMeanwhile)).GetProperty("LastModifiedDate").GetString();
        (await Crm.Patch("Lead", editedMeanwhile, new { Title = "Sales edit" })).EnsureSuccessStatusCode();
        var head = await Crm.Head();

        var results = await Send(HttpMethod.Patch, "composite/sobjects", new
        {
            allOrNone = false,
            records = new object[]
            {
                new { attributes = new { type = "Lead", ifUnmodifiedSince = readUntouched }, id = untouched, Title = "Synced" },
                new { attributes = new { type = "Lead", ifUnmodifiedSince = readEdited }, id = editedMeanwhile, Title = "Synced" },
                new { attributes = new { type = "Lead", ifUnmodifiedSince = "last Tuesday" }, id = untouched, City = "Oslo" },
            },
        });

        Assert.True(results[0].GetProperty("success").GetBoolean());
        AssertRecordError(results[1], "PRECONDITION_FAILED");
        AssertRecordError(results[2], "JSON_PARSER_ERROR");
        Assert.Equal("Synced", (await Crm.Read("Lead", untouched)).GetProperty("Title").GetString());
        Assert.Equal("Sales edit", (await Crm.Read("Lead", editedMeanwhile)).GetProperty("Title").GetString());
        Assert.Equal(head + 1, await Crm.Head());
    }

    [Fact]
    public async Task ACollectionDeleteAnswersEachRecord()
    {
        var first = await Crm.CreateContact("One", SimulatorHost.NewEmail());
        var second = await Crm.CreateContact("Two", SimulatorHost.NewEmail());

        var results = await Send(HttpMethod.Delete, $"composite/sobjects?ids={first},{second},003Sy0000099999IAA");

        Assert.True(results[0].GetProperty("success").GetBoolean());
        Assert.True(results[1].GetProperty("success").GetBoolean());
        AssertRecordError(results[2], "NOT_FOUND");
    }

    [Fact]
    public async Task ACollectionRetrieveReturnsRecordsInTheOrderAsked()
    {
        var first = await Crm.CreateContact("First", SimulatorHost.NewEmail());
        var second = await Crm.CreateContact("Second", SimulatorHost.NewEmail());

        var results = await Send(HttpMethod.Get, $"composite/sobjects/Contact?ids={second},003Sy0000099999IAA,{first}&fields=Id,LastName");

        Assert.Equal("Second", results[0].GetProperty("LastName").GetString());
        Assert.Equal(JsonValueKind.Null, results[1].ValueKind);
        Assert.Equal("First", results[2].GetProperty("LastName").GetString());
    }

    [Fact]
    public async Task MoreThanTwoHundredRecordsAreRefused()
    {
        var records = Enumerable.Range(0, 201).Select(i => new { attributes = new { type = "Contact" }, LastName = $"N{i}" }).ToArray();

        using var response = await Crm.Sales.PostAsJsonAsync("composite/sobjects", new { allOrNone = false, records });

        Assert.Equal("EXCEEDED_ID_LIMIT", (await SObjectApiTests.SingleError(response, HttpStatusCode.BadRequest)).GetProperty("errorCode").GetString());
    }

    [Fact]
    public async Task TwoHundredRecordsAreSavedInOneCall()
    {
        var tag = $"Bulk{Guid.NewGuid():N}"[..20];
        var records = Enumerable.Range(0, 200).Select(i => new { attributes = new { type = "Contact" }, LastName = tag, Email = SimulatorHost.NewEmail($"bulk{i}") }).ToArray();

        var results = await Send(HttpMethod.Post, "composite/sobjects", new { allOrNone = false, records });

        Assert.All(results.EnumerateArray(), result => Assert.True(result.GetProperty("success").GetBoolean()));
        Assert.Equal(200, results.EnumerateArray().Select(result => result.GetProperty("id").GetString()).Distinct().Count());
        Assert.Equal(200, (await Crm.Query($"SELECT Id FROM Contact WHERE LastName = '{tag}'")).GetProperty("totalSize").GetInt32());
    }

    [Fact]
    public async Task ACompositeRequestRunsItsSubrequestsInOrderAndPassesReferences()
    {
        var email = SimulatorHost.NewEmail("composite");

        var response = await Send(HttpMethod.Post, "composite", new
        {
            allOrNone = false,
            compositeRequest = new object[]
            {
                new { method = "POST", url = "/services/data/v60.0/sobjects/Account", referenceId = "account", body = new { Name = $"Composite {Guid.NewGuid():N}" } },
                new { method = "POST", url = "/services/data/v60.0/sobjects/Contact", referenceId = "contact", body = new { LastName = "Linked", Email = email, AccountId = "@{account.id}" } },
                new { method = "GET", url = "/services/data/v60.0/sobjects/Contact/@{contact.id}?fields=AccountId", referenceId = "read" },
                new { method = "GET", url = "/services/data/v60.0/sobjects/Lead/00QSy0000099999IAA", referenceId = "missing" },
                new { method = "GET", url = $"/services/data/v60.0/query?q={Uri.EscapeDataString($"SELECT Id FROM Contact WHERE Email = '{email}'")}", referenceId = "query" },
            },
        });

        var answers = response.GetProperty("compositeResponse").EnumerateArray().ToDictionary(answer => answer.GetProperty("referenceId").GetString()!);
        Assert.Equal(201, answers["account"].GetProperty("httpStatusCode").GetInt32());
        Assert.Equal(201, answers["contact"].GetProperty("httpStatusCode").GetInt32());
        Assert.Equal(answers["account"].GetProperty("body").GetProperty("id").GetString(), answers["read"].GetProperty("body").GetProperty("AccountId").GetString());
        Assert.Equal(404, answers["missing"].GetProperty("httpStatusCode").GetInt32());
        Assert.Equal("NOT_FOUND", answers["missing"].GetProperty("body")[0].GetProperty("errorCode").GetString());
        Assert.Equal(1, answers["query"].GetProperty("body").GetProperty("totalSize").GetInt32());
    }

    [Fact]
    public async Task ACompositeRequestCanCreateAndUpdateThroughCollections()
    {
        var existing = await Crm.CreateLead("Existing", SimulatorHost.NewEmail());

        var response = await Send(HttpMethod.Post, "composite", new
        {
            allOrNone = false,
            compositeRequest = new object[]
            {
                new
                {
                    method = "POST", url = "/services/data/v60.0/composite/sobjects", referenceId = "creates",
                    body = new { allOrNone = false, records = new object[] { new { attributes = new { type = "Lead" }, LastName = "New", Company = "C" } } },
                },
                new
                {
                    method = "PATCH", url = "/services/data/v60.0/composite/sobjects", referenceId = "updates",
                    body = new { allOrNone = false, records = new object[] { new { attributes = new { type = "Lead" }, Id = existing, Title = "Updated" } } },
                },
            },
        });

        var answers = response.GetProperty("compositeResponse");
        Assert.True(answers[0].GetProperty("body")[0].GetProperty("success").GetBoolean());
        Assert.True(answers[1].GetProperty("body")[0].GetProperty("success").GetBoolean());
        Assert.Equal("Updated", (await Crm.Read("Lead", existing)).GetProperty("Title").GetString());
    }

    [Fact]
    public async Task AReferenceToAFailedSubrequestHaltsTheOnesUsingIt()
    {
        var response = await Send(HttpMethod.Post, "composite", new
        {
            allOrNone = false,
            compositeRequest = new object[]
            {
                new { method = "POST", url = "/services/data/v60.0/sobjects/Lead", referenceId = "lead", body = new { FirstName = "Incomplete" } },
                new { method = "GET", url = "/services/data/v60.0/sobjects/Lead/@{lead.id}", referenceId = "read" },
            },
        });

        var answers = response.GetProperty("compositeResponse");
        Assert.Equal(400, answers[0].GetProperty("httpStatusCode").GetInt32());
        Assert.Equal("PROCESSING_HALTED", answers[1].GetProperty("body")[0].GetProperty("errorCode").GetString());
    }

    [Fact]
    public async Task MoreThanTwentyFiveSubrequestsAreRefused()
    {
        var subrequests = Enumerable.Range(0, 26).Select(i => new { method = "GET", url = "/services/data/v60.0/limits", referenceId = $"r{i}" }).ToArray();

        using var response = await Crm.Sales.PostAsJsonAsync("composite", new { compositeRequest = subrequests });

        Assert.Equal("LIMIT_EXCEEDED", (await SObjectApiTests.SingleError(response, HttpStatusCode.BadRequest)).GetProperty("errorCode").GetString());
    }

    [Fact]
    public async Task ACompositeRequestIsChargedAsOneCall()
    {
        var before = await Usage();
        var subrequests = Enumerable.Range(0, 25).Select(i => new
        {
            method = "GET",
            url = $"/services/data/v60.0/query?q={Uri.EscapeDataString("SELECT Id FROM Lead LIMIT 1")}",
            referenceId = $"q{i}",
        }).ToArray();

        using var response = await Crm.Sales.PostAsJsonAsync("composite", new { compositeRequest = subrequests });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"api-usage={before + 1}/", response.Headers.GetValues("Sforce-Limit-Info").Single()[..$"api-usage={before + 1}/".Length]);
    }

    private async Task<int> Usage() => (await Crm.AdminSend(HttpMethod.Get, "admin/state")).GetProperty("limits").GetProperty("used").GetInt32();

    private async Task<JsonElement> Send(HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        using var response = await Crm.Sales.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{method} {path} answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    private static void AssertRecordError(JsonElement result, string statusCode, string? field = null)
    {
        Assert.False(result.GetProperty("success").GetBoolean());
        var errors = result.GetProperty("errors").EnumerateArray().ToList();
        Assert.Contains(errors, error => error.GetProperty("statusCode").GetString() == statusCode);
        if (field is not null)
            Assert.Contains(errors, error => error.GetProperty("fields").EnumerateArray().Any(name => name.GetString() == field));
    }
}
