using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Sync.Clients.ProspectEditor;
using Sync.Contracts;
using Sync.ProspectEditor.Imports;

namespace Sync.ProspectEditor.Tests;

public sealed class ImportTests(ProspectEditorFixture editor) : IClassFixture<ProspectEditorFixture>
{
    [Fact]
    public async Task AnImportKeepsEveryGoodRowReportsEachBadOneByLineAndForcesASyncOfEveryProspect()
    {
        var known = await editor.CreateProspect(new { firstName = "Known", company = "Old Co" });
        var unchanged = await editor.CreateProspect(new { firstName = "Same" });
        var (zoe, li, bad) = (Email("zoe"), Email("li"), Email("bad"));
        var csv =
            "Email,First Name,company,City\r\n" +                                  // line 1
            $"{zoe},Zoë,\"Smith, Jones & Co\",Zürich\r\n" +                        // line 2: quoted comma, UTF-8
            $"{li},\"Li \"\"The Wall\"\"\",\"Multi\nLine Ltd\",Beijing\r\n" +       // lines 3-4: doubled quotes, embedded newline
            "not-an-email,Bad,Co,Nowhere\r\n" +                                    // line 5: invalid e-mail
            $"{bad},Too,Many,Values,Here\r\n" +                                    // line 6: wrong number of values
            "\r\n" +                                                               // line 7: blank, skipped
            $"{known.Email.ToUpperInvariant()},,New Co,\r\n" +                      // line 8: update; empty cells leave values alone
            $"{unchanged.Email},Same,,\r\n" +                                      // line 9: no change, still synced
            $"{bad}x,Broken\"Quote,Co,City\r\n" +                                 // line 10: stray quote
            $"{Email("last")},Last,Co,\"Unclosed";                                  // line 11: quote never closed

        var response = await Import(csv);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var report = (await response.Content.ReadFromJsonAsync<ImportReport>())!;
        Assert.Equal($"/imports/{report.ImportId}", response.Headers.Location?.OriginalString);
        Assert.Equal(ImportStatus.Completed, report.Status);
        Assert.Equal((8L, 2L, 1L, 1L, 4L), (report.Rows, report.Created, report.Updated, report.Unchanged, report.Rejected));
        Assert.Equal([5L, 6L, 10L, 11L], report.Errors.Select(error => error.Line));
        Assert.Equal("email", report.Errors[0].Column);
        Assert.Contains("5 values", report.Errors[1].Reason);
        Assert.Contains("quote", report.Errors[2].Reason);
        Assert.Contains("never closed", report.Errors[3].Reason);

        var zoeProspect = (await editor.Api.GetFromJsonAsync<ProspectDto>($"prospects?email={zoe}"))!;
        Assert.Equal(("Zoë", "Smith, Jones & Co", "Zürich"), (zoeProspect.Fields["firstName"], zoeProspect.Fields["company"], zoeProspect.Fields["city"]));
        var liProspect = (await editor.Api.GetFromJsonAsync<ProspectDto>($"prospects?email={li}"))!;
        Assert.Equal("Li \"The Wall\"", liProspect.Fields["firstName"]);
        Assert.Equal("Multi\nLine Ltd", liProspect.Fields["company"]);
        var knownAfter = (await editor.Api.GetFromJsonAsync<ProspectDto>($"prospects/{known.Id}"))!;
        Assert.Equal(("Known", "New Co"), (knownAfter.Fields["firstName"], knownAfter.Fields["company"]));
        Assert.Equal(1, (await editor.Api.GetFromJsonAsync<ProspectDto>($"prospects/{unchanged.Id}"))!.Revision);

        var imported = await editor.Published.WaitFor<ProspectsImported>(part => part.ImportId == report.ImportId, "the import's ProspectsImported");
        Assert.Equal(new[] { zoeProspect.Id, liProspect.Id, known.Id, unchanged.Id }.Order(), imported.SelectMany(part => part.ProspectIds).Order());
        var created = await editor.Published.WaitFor<ProspectChanged>(change => change.ProspectId == zoeProspect.Id, "zoe's Created");
        Assert.Equal(ChangeOrigin.Import, created.Single().Origin);

        var stored = (await editor.Api.GetFromJsonAsync<ImportReport>($"imports/{report.ImportId}"))!;
        Assert.Equal(report.Errors.Count, stored.Errors.Count);
    }

    [Fact]
    public async Task EachImportedProspectCarriesTheRevisionTheImportWroteAndAnUnchangedOneNone()
    {
        var updated = await editor.CreateProspect(new { firstName = "Old" });
        var unchanged = await editor.CreateProspect(new { firstName = "Same" });
        var fresh = Email("fresh");
        var csv = $"email,firstName\n{fresh},New\n{updated.Email},Changed\n{unchanged.Email},Same\n{updated.Email},Changed again\n";

        var report = (await (await Import(csv)).Content.ReadFromJsonAsync<ImportReport>())!;

        var freshProspect = (await editor.Api.GetFromJsonAsync<ProspectDto>($"prospects?email={fresh}"))!;
        var part = (await editor.Published.WaitFor<ProspectsImported>(imported => imported.ImportId == report.ImportId, "the import's ProspectsImported")).Single();
        var revisions = part.ProspectIds.Zip(part.Revisions!).ToDictionary();
        Assert.Equal(part.ProspectIds.Count, part.Revisions!.Count);
        // Two rows wrote the updated prospect: the later revision stands. The unchanged one stamps none: no read is shown to follow the import.
        Assert.Equal((1L, 3L, 0L), (revisions[freshProspect.Id], revisions[updated.Id], revisions[unchanged.Id]));
        Assert.Equal(3, (await editor.Api.GetFromJsonAsync<ProspectDto>($"prospects/{updated.Id}"))!.Revision);
    }

    [Fact]
    public async Task AFileLargerThanOneMessageIsAnnouncedInPartsOfAtMostTheLimit()
    {
        var rows = ProspectsImported.MaxProspectsPerMessage + 250;
        var csv = new StringBuilder("email,lastName\n");
        var tag = Guid.NewGuid().ToString("N")[..8];
        for (var row = 0; row < rows; row++)
            csv.Append(CultureInvariant($"bulk{row}.{tag}@example.com,Row {row}\n"));

        var report = (await (await Import(csv.ToString())).Content.ReadFromJsonAsync<ImportReport>())!;

        Assert.Equal(rows, report.Created);
        Assert.Equal(2, report.PartsPublished);
        var parts = await editor.Published.WaitFor<ProspectsImported>(part => part.ImportId == report.ImportId, "both parts", count: 2);
        Assert.All(parts, part => Assert.True(part.ProspectIds.Count <= ProspectsImported.MaxProspectsPerMessage));
        Assert.Equal(rows, parts.SelectMany(part => part.ProspectIds).Distinct().Count());
    }

    [Theory]
    [InlineData("firstName,lastName\nAda,Lovelace\n", "email")]
    [InlineData("email,favouriteColour\na@example.com,red\n", "columns[1]")]
    [InlineData("email,First Name,firstname\na@example.com,A,B\n", "columns[2]")]
    [InlineData("", "header")]
    public async Task AHeaderThatCannotBeMappedImportsNothing(string csv, string member)
    {
        var mark = await editor.Published.Mark();

        var response = await Import(csv);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(member, out _), problem.ToString());
        Assert.Equal(HttpStatusCode.NotFound, (await editor.Api.GetAsync("prospects?email=a@example.com")).StatusCode);
        await editor.AssertNothingPublishedSince(mark);
    }

    [Fact]
    public async Task ARecordTooLongToReadOnEndsTheImportAsFailedAtItsLine()
    {
        var (before, after) = (Email("before"), Email("after"));
        var csv = $"email,company\n{before},Co\n{Email("unclosed")},\"{new string('x', 300_000)}\n{after},Co\n";

        var response = await Import(csv);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(3, problem.GetProperty("lastLine").GetInt64());
        var report = (await editor.Api.GetFromJsonAsync<ImportReport>($"imports/{problem.GetProperty("importId").GetGuid()}"))!;
        Assert.Equal((ImportStatus.Failed, 3L, 1L, 1L), (report.Status, report.LastLine, report.Created, report.Rejected));
        Assert.Contains("line 3", report.Failure);
        Assert.Equal(3L, Assert.Single(report.Errors).Line);
        Assert.Equal(HttpStatusCode.OK, (await editor.Api.GetAsync($"prospects?email={before}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await editor.Api.GetAsync($"prospects?email={after}")).StatusCode);
    }

    [Fact]
    public async Task AValueOverTheLimitRejectsItsRowNamingTheColumn()
    {
        var (longCompany, longUser, fine) = (Email("long"), Email("user"), Email("fine"));
        var csv =
            "email,company,assignedUser\n" +
            $"{longCompany},{new string('c', 4001)},005-a\n" +
            $"{longUser},Co,{new string('u', 201)}\n" +
            $"{fine},Co,005-b\n";

        var report = (await (await Import(csv)).Content.ReadFromJsonAsync<ImportReport>())!;

        Assert.Equal((1L, 2L), (report.Created, report.Rejected));
        Assert.Equal([(2L, "company"), (3L, "assignedUser")], report.Errors.Select(error => (error.Line, error.Column)));
        Assert.Equal(HttpStatusCode.NotFound, (await editor.Api.GetAsync($"prospects?email={longCompany}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await editor.Api.GetAsync($"prospects?email={longUser}")).StatusCode);
    }

    [Fact]
    public async Task AnImporterNameOverTheLimitImportsNothing()
    {
        var email = Email("named");

        var response = await editor.Api.PostAsync($"imports?importedBy={new string('o', 201)}", new StringContent($"email\n{email}\n", new UTF8Encoding(false), "text/csv"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("importedBy", out _));
        Assert.Equal(HttpStatusCode.NotFound, (await editor.Api.GetAsync($"prospects?email={email}")).StatusCode);
    }

    [Fact]
    public async Task AnImportIsCsvOnly()
    {
        var response = await editor.Api.PostAsJsonAsync("imports", new { email = "a@example.com" });

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await editor.Api.GetAsync($"imports/{Guid.NewGuid()}")).StatusCode);
    }

    private Task<HttpResponseMessage> Import(string csv) =>
        editor.Api.PostAsync("imports?importedBy=olivia", new StringContent(csv, new UTF8Encoding(false), "text/csv"));

    private static string Email(string name) => ProspectEditorFixture.UniqueEmail(name);

    private static string CultureInvariant(FormattableString text) => FormattableString.Invariant(text);
}
