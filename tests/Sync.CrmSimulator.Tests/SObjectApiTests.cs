using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Sync.CrmSimulator.Tests.Support;

namespace Sync.CrmSimulator.Tests;

/// <summary>The sObject resources: create, read, update, delete, undelete, their ids and their errors, as Salesforce shapes them.</summary>
public sealed class SObjectApiTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private SimulatorHost Crm => fixture.Crm;

    [Theory]
    [InlineData("Lead", "00Q")]
    [InlineData("Contact", "003")]
    [InlineData("Account", "001")]
    [InlineData("Campaign", "701")]
    public async Task CreatedRecordsGetEighteenCharacterIdsWithTheirObjectsKeyPrefix(string type, string keyPrefix)
    {
        object fields = type switch
        {
            "Lead" => new { LastName = "Hopper", Company = "Navy" },
            "Contact" => new { LastName = "Hopper" },
            _ => new { Name = $"{type} {Guid.NewGuid():N}" },
        };

        var id = await Crm.Create(type, fields);

        Assert.Equal(18, id.Length);
        Assert.StartsWith(keyPrefix, id, StringComparison.Ordinal);
        var read = await Crm.Read(type, id);
        Assert.Equal(type, read.GetProperty("attributes").GetProperty("type").GetString());
        Assert.Equal($"/services/data/v60.0/sobjects/{type}/{id}", read.GetProperty("attributes").GetProperty("url").GetString());
        Assert.Equal(id, read.GetProperty("Id").GetString());
    }

    [Fact]
    public async Task CreateAnswersCreatedWithTheIdAndALocation()
    {
        using var response = await Crm.Sales.PostAsJsonAsync("sobjects/Lead", new { LastName = "Lovelace", Company = "Analytical Engines" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(body.GetProperty("success").GetBoolean());
        Assert.Equal(0, body.GetProperty("errors").GetArrayLength());
        Assert.Equal($"/services/data/v60.0/sobjects/Lead/{body.GetProperty("id").GetString()}", response.Headers.Location?.ToString());
    }

    [Fact]
    public async Task ReadReturnsTypedValuesAndComputedFormulas()
    {
        var id = await Crm.CreateLead("Lovelace", SimulatorHost.NewEmail(), new { FirstName = "Ada", Score__c = 120, HasOptedOutOfEmail = true });

        var lead = await Crm.Read("Lead", id);

        Assert.Equal("Ada Lovelace", lead.GetProperty("Name").GetString());
        Assert.Equal(120m, lead.GetProperty("Score__c").GetDecimal());
        Assert.Equal("Hot", lead.GetProperty("Score_Band__c").GetString());
        Assert.True(lead.GetProperty("HasOptedOutOfEmail").GetBoolean());
        Assert.False(lead.GetProperty("IsConverted").GetBoolean());
        Assert.Equal("Open - Not Contacted", lead.GetProperty("Status").GetString());
        Assert.Equal(SimulatorHost.SalesUserId, lead.GetProperty("OwnerId").GetString());
        Assert.Equal(SimulatorHost.SalesUserId, lead.GetProperty("CreatedById").GetString());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$", lead.GetProperty("LastModifiedDate").GetString());
    }

    [Fact]
    public async Task ReadWithFieldsReturnsOnlyThoseFields()
    {
        var id = await Crm.CreateLead("Turing", SimulatorHost.NewEmail());

        var lead = await Crm.Read("Lead", $"{id}?fields=LastName,Email");

        Assert.Equal(["attributes", "LastName", "Email"], lead.EnumerateObject().Select(property => property.Name));
    }

    [Fact]
    public async Task FifteenCharacterAndLowerCaseIdsReadTheSameRecord()
    {
        var id = await Crm.CreateLead("Liskov", SimulatorHost.NewEmail());

        Assert.Equal(id, (await Crm.Read("Lead", id[..15])).GetProperty("Id").GetString());
        Assert.Equal(id, (await Crm.Read("Lead", id.ToLowerInvariant())).GetProperty("Id").GetString());
    }

    [Fact]
    public async Task CreatingALeadWithoutLastNameOrCompanyAnswersRequiredFieldMissing()
    {
        using var response = await Crm.Sales.PostAsJsonAsync("sobjects/Lead", new { FirstName = "Nameless" });

        var error = await SingleError(response, HttpStatusCode.BadRequest);
        Assert.Equal("REQUIRED_FIELD_MISSING", error.GetProperty("errorCode").GetString());
        Assert.Equal(["LastName", "Company"], error.GetProperty("fields").EnumerateArray().Select(field => field.GetString()));
        Assert.Contains("LastName", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnInvalidEmailIsRefusedWithInvalidEmailAddress()
    {
        using var response = await Crm.Sales.PostAsJsonAsync("sobjects/Contact", new { LastName = "Typo", Email = "not-an-address" });

        var error = await SingleError(response, HttpStatusCode.BadRequest);
        Assert.Equal("INVALID_EMAIL_ADDRESS", error.GetProperty("errorCode").GetString());
        Assert.Equal(["Email"], error.GetProperty("fields").EnumerateArray().Select(field => field.GetString()));
    }

    [Fact]
    public async Task AnUnknownFieldIsRefusedWithInvalidField()
    {
        using var response = await Crm.Sales.PostAsJsonAsync("sobjects/Lead", new { LastName = "X", Company = "Y", Shoe_Size__c = 42 }, SimulatorHost.FieldNames);

        var error = await SingleError(response, HttpStatusCode.BadRequest);
        Assert.Equal("INVALID_FIELD", error.GetProperty("errorCode").GetString());
        Assert.Contains("Shoe_Size__c", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FormulaAndSystemFieldsCannotBeWritten()
    {
        var id = await Crm.CreateLead("Readonly", SimulatorHost.NewEmail());

        using var response = await Crm.Patch("Lead", id, new { Score_Band__c = "Hot", LastModifiedDate = "2020-01-01T00:00:00.000+0000" });

        var error = await SingleError(response, HttpStatusCode.BadRequest);
        Assert.Equal("INVALID_FIELD_FOR_INSERT_UPDATE", error.GetProperty("errorCode").GetString());
        Assert.Equal(["Score_Band__c", "LastModifiedDate"], error.GetProperty("fields").EnumerateArray().Select(field => field.GetString()));
    }

    [Fact]
    public async Task AValueOfTheWrongTypeIsRefused()
    {
        using var response = await Crm.Sales.PostAsJsonAsync("sobjects/Lead", new { LastName = "X", Company = "Y", Score__c = "lots" });

        var error = await SingleError(response, HttpStatusCode.BadRequest);
        Assert.Equal("INVALID_TYPE_ON_FIELD_IN_RECORD", error.GetProperty("errorCode").GetString());
    }

    [Fact]
    public async Task AnOwnerWhoIsNoUserOfTheOrgIsRefused()
    {
        using var response = await Crm.Sales.PostAsJsonAsync("sobjects/Lead", new { LastName = "X", Company = "Y", OwnerId = "005Sy0000000999IAA" });

        var error = await SingleError(response, HttpStatusCode.BadRequest);
        Assert.Equal("INVALID_CROSS_REFERENCE_KEY", error.GetProperty("errorCode").GetString());
        Assert.Equal(["OwnerId"], error.GetProperty("fields").EnumerateArray().Select(field => field.GetString()));
    }

    [Fact]
    public async Task AContactsAccountMustExist()
    {
        using var response = await Crm.Sales.PostAsJsonAsync("sobjects/Contact", new { LastName = "Orphan", AccountId = "001Sy0000009999IAA" });

        Assert.Equal("INVALID_CROSS_REFERENCE_KEY", (await SingleError(response, HttpStatusCode.BadRequest)).GetProperty("errorCode").GetString());
    }

    [Fact]
    public async Task ReadingAnUnknownRecordAnswersNotFound()
    {
        using var response = await Crm.Sales.GetAsync("sobjects/Lead/00QSy0000099999IAA");

        Assert.Equal("NOT_FOUND", (await SingleError(response, HttpStatusCode.NotFound)).GetProperty("errorCode").GetString());
    }

    [Fact]
    public async Task ADeletedRecordIsNotFoundAndUpdatingItAnswersEntityIsDeleted()
    {
        var id = await Crm.CreateContact("Gone", SimulatorHost.NewEmail());

        using (var deleted = await Crm.Sales.DeleteAsync($"sobjects/Contact/{id}"))
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        using (var read = await Crm.Sales.GetAsync($"sobjects/Contact/{id}"))
            Assert.Equal("NOT_FOUND", (await SingleError(read, HttpStatusCode.NotFound)).GetProperty("errorCode").GetString());
        using (var update = await Crm.Patch("Contact", id, new { Title = "Ghost" }))
            Assert.Equal("ENTITY_IS_DELETED", (await SingleError(update, HttpStatusCode.NotFound)).GetProperty("errorCode").GetString());
        using (var again = await Crm.Sales.DeleteAsync($"sobjects/Contact/{id}"))
            Assert.Equal("ENTITY_IS_DELETED", (await SingleError(again, HttpStatusCode.NotFound)).GetProperty("errorCode").GetString());
    }

    [Fact]
    public async Task UndeleteBringsADeletedRecordBack()
    {
        var id = await Crm.CreateContact("Lazarus", SimulatorHost.NewEmail());
        (await Crm.Sales.DeleteAsync($"sobjects/Contact/{id}")).Dispose();

        using var response = await Crm.Undelete("Contact", id);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Lazarus", (await Crm.Read("Contact", id)).GetProperty("LastName").GetString());
        Assert.Equal(["CREATE", "DELETE", "UNDELETE"], (await Crm.ChangesOf(id)).Select(change => change.ChangeType));
    }

    [Fact]
    public async Task DeletingAnAccountDeletesItsContacts()
    {
        var accountId = await Crm.Create("Account", new { Name = "Doomed Ltd" });
        var contactId = await Crm.CreateContact("Employee", SimulatorHost.NewEmail(), new { AccountId = accountId });

        (await Crm.Sales.DeleteAsync($"sobjects/Account/{accountId}")).Dispose();

        using var read = await Crm.Sales.GetAsync($"sobjects/Contact/{contactId}");
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        Assert.Equal(["CREATE", "DELETE"], (await Crm.ChangesOf(contactId)).Select(change => change.ChangeType));
    }

    [Fact]
    public async Task ALeadOrContactIsACampaignMemberOnce()
    {
        var campaignId = await Crm.Create("Campaign", new { Name = $"Webinar {Guid.NewGuid():N}" });
        var leadId = await Crm.CreateLead("Attendee", SimulatorHost.NewEmail());

        var memberId = await Crm.Create("CampaignMember", new { CampaignId = campaignId, LeadId = leadId });
        using var again = await Crm.Sales.PostAsJsonAsync("sobjects/CampaignMember", new { CampaignId = campaignId, LeadId = leadId });

        Assert.StartsWith("00v", memberId, StringComparison.Ordinal);
        Assert.Equal("Sent", (await Crm.Read("CampaignMember", memberId)).GetProperty("Status").GetString());
        Assert.Equal("DUPLICATE_VALUE", (await SingleError(again, HttpStatusCode.BadRequest)).GetProperty("errorCode").GetString());
    }

    [Fact]
    public async Task ACampaignMemberNeedsALeadOrAContact()
    {
        var campaignId = await Crm.Create("Campaign", new { Name = $"Empty {Guid.NewGuid():N}" });

        using var response = await Crm.Sales.PostAsJsonAsync("sobjects/CampaignMember", new { CampaignId = campaignId });

        Assert.Equal("REQUIRED_FIELD_MISSING", (await SingleError(response, HttpStatusCode.BadRequest)).GetProperty("errorCode").GetString());
    }

    [Fact]
    public async Task AnUnknownObjectAnswersNotFound()
    {
        using var response = await Crm.Sales.PostAsJsonAsync("sobjects/Opportunity", new { Name = "Big deal" });

        Assert.Equal("NOT_FOUND", (await SingleError(response, HttpStatusCode.NotFound)).GetProperty("errorCode").GetString());
    }

    [Fact]
    public async Task MalformedJsonAnswersJsonParserError()
    {
        using var response = await Crm.Sales.PostAsync("sobjects/Lead", new StringContent("{\"LastName\": ", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal("JSON_PARSER_ERROR", (await SingleError(response, HttpStatusCode.BadRequest)).GetProperty("errorCode").GetString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer not-a-token")]
    [InlineData("Basic c3luYzpzeW5j")]
    public async Task RequestsWithoutAValidTokenAnswerInvalidSessionId(string? authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "limits");
        if (authorization is not null)
            request.Headers.TryAddWithoutValidation("Authorization", authorization);

        using var response = await Crm.Anonymous.SendAsync(request);

        Assert.Equal("INVALID_SESSION_ID", (await SingleError(response, HttpStatusCode.Unauthorized)).GetProperty("errorCode").GetString());
    }

    [Fact]
    public async Task EachUserIsRecordedAsTheCreatorOfWhatItCreates()
    {
        var id = await Crm.CreateLead("ByIntegration", SimulatorHost.NewEmail(), client: Crm.Integration);

        var lead = await Crm.Read("Lead", id);

        Assert.Equal(SimulatorHost.IntegrationUserId, lead.GetProperty("CreatedById").GetString());
        Assert.Equal(SimulatorHost.IntegrationUserId, lead.GetProperty("OwnerId").GetString());
    }

    [Fact]
    public async Task DescribeListsTheFieldsAndWhichAreFormulas()
    {
        var describe = await Crm.Sales.GetFromJsonAsync<JsonElement>("sobjects/Contact/describe");

        Assert.Equal("003", describe.GetProperty("keyPrefix").GetString());
        var fields = describe.GetProperty("fields").EnumerateArray().ToDictionary(field => field.GetProperty("name").GetString()!);
        Assert.True(fields["Account_Rating__c"].GetProperty("calculated").GetBoolean());
        Assert.True(fields["Email"].GetProperty("updateable").GetBoolean());
        Assert.False(fields["LastModifiedDate"].GetProperty("updateable").GetBoolean());
    }

    internal static async Task<JsonElement> SingleError(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        var errors = JsonDocument.Parse(body).RootElement;
        Assert.Equal(JsonValueKind.Array, errors.ValueKind);
        var error = Assert.Single(errors.EnumerateArray());
        Assert.True(error.TryGetProperty("message", out _));
        return error;
    }
}
