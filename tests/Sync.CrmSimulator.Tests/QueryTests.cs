using System.Net;
using System.Text.Json;
using Sync.CrmSimulator.Tests.Support;

namespace Sync.CrmSimulator.Tests;

/// <summary>The SOQL subset: what it answers, and the clear MALFORMED_QUERY for what it does not.</summary>
public sealed class QueryTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private SimulatorHost Crm => fixture.Crm;

    [Fact]
    public async Task EqualityOnEmailMatchesWithoutRegardToCase()
    {
        var email = SimulatorHost.NewEmail("Case.Mixed");
        var id = await Crm.CreateLead("Cased", email);

        var result = await Crm.Query($"SELECT Id, Email FROM Lead WHERE Email = '{email.ToUpperInvariant()}'");

        Assert.Equal(1, result.GetProperty("totalSize").GetInt32());
        Assert.True(result.GetProperty("done").GetBoolean());
        var record = Assert.Single(result.GetProperty("records").EnumerateArray());
        Assert.Equal(id, record.GetProperty("Id").GetString());
        Assert.Equal("Lead", record.GetProperty("attributes").GetProperty("type").GetString());
        Assert.Equal(["attributes", "Id", "Email"], record.EnumerateObject().Select(property => property.Name));
    }

    [Fact]
    public async Task InListsAndConditionsJoinedByAndNarrowTheResult()
    {
        var tag = Guid.NewGuid().ToString("N")[..10];
        var first = SimulatorHost.NewEmail("first");
        var second = SimulatorHost.NewEmail("second");
        var third = SimulatorHost.NewEmail("third");
        await Crm.CreateContact(tag, first, new { Title = "Engineer" });
        var secondId = await Crm.CreateContact(tag, second, new { Title = "Manager" });
        await Crm.CreateContact(tag, third, new { Title = "Manager" });

        var result = await Crm.Query($"SELECT Id FROM Contact WHERE Email IN ('{first}', '{second}') AND Title = 'manager'");

        Assert.Equal([secondId], Ids(result));
    }

    [Fact]
    public async Task OrderByAndLimitShapeTheResult()
    {
        var tag = $"Order{Guid.NewGuid():N}"[..20];
        await Crm.CreateLead(tag, SimulatorHost.NewEmail(), new { Score__c = 5 });
        var top = await Crm.CreateLead(tag, SimulatorHost.NewEmail(), new { Score__c = 500 });
        var middle = await Crm.CreateLead(tag, SimulatorHost.NewEmail(), new { Score__c = 50 });

        var result = await Crm.Query($"select Id, Score__c from Lead where LastName = '{tag}' order by Score__c desc limit 2");

        Assert.Equal([top, middle], Ids(result));
    }

    [Fact]
    public async Task NotEqualNotInAndNullComparisonsWork()
    {
        var tag = $"Null{Guid.NewGuid():N}"[..20];
        var withTitle = await Crm.CreateLead(tag, SimulatorHost.NewEmail(), new { Title = "Chief" });
        var withoutTitle = await Crm.CreateLead(tag, SimulatorHost.NewEmail());

        Assert.Equal([withoutTitle], Ids(await Crm.Query($"SELECT Id FROM Lead WHERE LastName = '{tag}' AND Title = null")));
        Assert.Equal([withTitle], Ids(await Crm.Query($"SELECT Id FROM Lead WHERE LastName = '{tag}' AND Title != null")));
        Assert.Equal([withoutTitle], Ids(await Crm.Query($"SELECT Id FROM Lead WHERE LastName = '{tag}' AND Id NOT IN ('{withTitle}')")));
    }

    [Fact]
    public async Task FormulaFieldsCanBeSelectedAndFiltered()
    {
        var tag = $"Band{Guid.NewGuid():N}"[..20];
        var hot = await Crm.CreateContact(tag, SimulatorHost.NewEmail(), new { Score__c = 150 });
        await Crm.CreateContact(tag, SimulatorHost.NewEmail(), new { Score__c = 1 });

        var result = await Crm.Query($"SELECT Id, Score_Band__c FROM Contact WHERE LastName = '{tag}' AND Score_Band__c = 'Hot'");

        Assert.Equal([hot], Ids(result));
        Assert.Equal("Hot", result.GetProperty("records")[0].GetProperty("Score_Band__c").GetString());
    }

    [Fact]
    public async Task FieldsAllSelectsEveryField()
    {
        var id = await Crm.CreateLead("Everything", SimulatorHost.NewEmail(), new { ProspectId__c = "31" });

        var record = (await Crm.Query($"SELECT FIELDS(ALL) FROM Lead WHERE Id = '{id}'")).GetProperty("records")[0];

        Assert.Equal("31", record.GetProperty("ProspectId__c").GetString());
        Assert.True(record.TryGetProperty("LastModifiedDate", out _));
        Assert.True(record.TryGetProperty("Score_Band__c", out _));
    }

    [Fact]
    public async Task DeletedRecordsAreNotReturned()
    {
        var email = SimulatorHost.NewEmail("deleted");
        var id = await Crm.CreateLead("Deleted", email);
        (await Crm.Sales.DeleteAsync($"sobjects/Lead/{id}")).Dispose();

        Assert.Empty(Ids(await Crm.Query($"SELECT Id FROM Lead WHERE Email = '{email}'")));
    }

    [Fact]
    public async Task QuotesInValuesAreEscaped()
    {
        var id = await Crm.Create("Account", new { Name = $"O'Brien & Sons {Guid.NewGuid():N}" });
        var name = (await Crm.Read("Account", id)).GetProperty("Name").GetString()!;

        Assert.Equal([id], Ids(await Crm.Query($"SELECT Id FROM Account WHERE Name = '{name.Replace("'", "\\'", StringComparison.Ordinal)}'")));
    }

    [Theory]
    [InlineData("SELECT Id FROM Lead WHERE LastName = 'a' OR LastName = 'b'", "OR")]
    [InlineData("SELECT Id Lead", "FROM")]
    [InlineData("SELECT Id FROM Lead WHERE LastName LIKE 'a%'", "LIKE")]
    [InlineData("SELECT * FROM Lead", "FIELDS(ALL)")]
    [InlineData("SELECT COUNT() FROM Lead", "not supported")]
    [InlineData("SELECT Id FROM Lead WHERE (LastName = 'a')", "Parentheses")]
    [InlineData("SELECT Id FROM Lead LIMIT many", "LIMIT")]
    [InlineData("SELECT Id FROM Lead WHERE LastName = 'unterminated", "not closed")]
    [InlineData("", "missing")]
    public async Task QueriesOutsideTheSubsetAnswerMalformedQueryWithAReason(string soql, string reason)
    {
        using var response = await Crm.Sales.GetAsync($"query?q={Uri.EscapeDataString(soql)}");

        var error = await SObjectApiTests.SingleError(response, HttpStatusCode.BadRequest);
        Assert.Equal("MALFORMED_QUERY", error.GetProperty("errorCode").GetString());
        Assert.Contains(reason, error.GetProperty("message").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task AnUnknownFieldAnswersInvalidFieldAndAnUnknownObjectInvalidType()
    {
        using var field = await Crm.Sales.GetAsync($"query?q={Uri.EscapeDataString("SELECT Id, Shoe__c FROM Lead")}");
        using var type = await Crm.Sales.GetAsync($"query?q={Uri.EscapeDataString("SELECT Id FROM Opportunity")}");
        using var id = await Crm.Sales.GetAsync($"query?q={Uri.EscapeDataString("SELECT Id FROM Lead WHERE Id = 'nope'")}");

        Assert.Equal("INVALID_FIELD", (await SObjectApiTests.SingleError(field, HttpStatusCode.BadRequest)).GetProperty("errorCode").GetString());
        Assert.Equal("INVALID_TYPE", (await SObjectApiTests.SingleError(type, HttpStatusCode.BadRequest)).GetProperty("errorCode").GetString());
        Assert.Equal("INVALID_QUERY_FILTER_OPERATOR", (await SObjectApiTests.SingleError(id, HttpStatusCode.BadRequest)).GetProperty("errorCode").GetString());
    }

    private static List<string> Ids(JsonElement result) =>
        [.. result.GetProperty("records").EnumerateArray().Select(record => record.GetProperty("Id").GetString()!)];
}
