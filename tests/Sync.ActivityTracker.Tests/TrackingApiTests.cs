using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Sync.ActivityTracker.Apis;
using Sync.ActivityTracker.Tracking;
using Sync.Clients.ProspectEditor;
using Sync.Contracts;
using Sync.Rules;
using Sync.Testing;

namespace Sync.ActivityTracker.Tests;

public sealed class TrackingApiTests(TrackerFixture tracker) : IClassFixture<TrackerFixture>
{
    private HttpClient Public => tracker.Public;

    [Fact]
    public async Task AnUnlinkedVisitorsPageViewIsKeptAsAnonymousActivityAndNeverPublished()
    {
        var visitorId = TrackerFixture.NewVisitorId();
        var mark = await tracker.Published.Mark();

        var response = await Public.PostAsJsonAsync($"visitors/{visitorId}/page-views", new { url = "https://example.com/pricing" });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = (await response.Content.ReadFromJsonAsync<ActivityAccepted>())!;
        Assert.False(accepted.Published);
        Assert.Equal(nameof(SyncRules.AnonymousPageView), accepted.Rule);
        await AssertNothingPublishedSince(mark);
        var visitor = (await tracker.Operator.GetFromJsonAsync<VisitorView>($"visitors/{visitorId}"))!;
        Assert.Null(visitor.ProspectId);
        Assert.Equal("https://example.com/pricing", Assert.Single(visitor.Activity).Url);
    }

    [Fact]
    public async Task AFormSubmissionLinksTheVisitorWhoseLaterViewsAreTheProspectsAndEarlierOnesStayAnonymous()
    {
        var visitorId = TrackerFixture.NewVisitorId();
        await Public.PostAsJsonAsync($"visitors/{visitorId}/page-views", new { url = "https://example.com/before" });
        var email = TrackerFixture.UniqueEmail("form");

        var submitted = await Public.PostAsJsonAsync("forms/contact-us/submissions",
            new { email, visitorId, url = "https://example.com/contact", formName = "Contact us", fields = new { firstName = "Ada" } });

        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        var accepted = (await submitted.Content.ReadFromJsonAsync<ActivityAccepted>())!;
        Assert.True(accepted.Published);
        Assert.True(accepted.ProspectCreated);
        var prospectId = accepted.ProspectId!.Value;
        var form = (await tracker.Published.WaitFor<ProspectActivityRecorded>(activity => activity.EventId == accepted.EventId, "the form submission")).Single();
        Assert.Equal((ActivityKind.FormSubmission, prospectId, visitorId, "Contact us"), (form.Kind, form.ProspectId, form.VisitorId, form.AssetName));
        var created = (await tracker.Published.WaitFor<ProspectChanged>(change => change.ProspectId == prospectId, "the prospect's creation")).Single();
        Assert.Equal((ProspectChangeKind.Created, ChangeOrigin.FormSubmission), (created.Kind, created.Origin));
        Assert.Equal("Ada", (await tracker.Editor.Http.GetFromJsonAsync<ProspectDto>($"prospects/{prospectId}"))!.Fields["firstName"]);

        var view = await Public.PostAsJsonAsync($"visitors/{visitorId}/page-views", new { url = "https://example.com/after" });
        var viewed = (await view.Content.ReadFromJsonAsync<ActivityAccepted>())!;
        Assert.True(viewed.Published);
        Assert.Equal(nameof(SyncRules.TrackedPageView), viewed.Rule);
        var pageViews = await tracker.Published.WaitFor<ProspectActivityRecorded>(activity => activity.EventId == viewed.EventId, "the tracked page view");
        Assert.Equal("https://example.com/after", pageViews.Single().Url);
        Assert.DoesNotContain(await tracker.Published.All<ProspectActivityRecorded>(), activity => activity.Url == "https://example.com/before");

        var visitor = (await tracker.Operator.GetFromJsonAsync<VisitorView>($"visitors/{visitorId}"))!;
        Assert.Equal(prospectId, visitor.ProspectId);
        var before = Assert.Single(visitor.Activity, activity => activity.Url == "https://example.com/before");
        Assert.Null(before.ProspectId);
    }

    [Fact]
    public async Task AViewFromBeforeTheVisitorWasLinkedThatArrivesAfterwardsStaysAnonymous()
    {
        var visitorId = TrackerFixture.NewVisitorId();
        var linkedAt = DateTimeOffset.UtcNow;
        var submitted = await Public.PostAsJsonAsync("forms/contact-us/submissions",
            new { email = TrackerFixture.UniqueEmail("late-view"), visitorId, occurredAt = linkedAt });
        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        var mark = await tracker.Published.Mark();

        // The view happened a minute before the form (its request retried, or held back by the page's batching).
        var late = await Public.PostAsJsonAsync($"visitors/{visitorId}/page-views", new { url = "https://example.com/late", occurredAt = linkedAt.AddMinutes(-1) });

        var accepted = (await late.Content.ReadFromJsonAsync<ActivityAccepted>())!;
        Assert.Equal((false, nameof(SyncRules.AnonymousPageView)), (accepted.Published, accepted.Rule));
        await AssertNothingPublishedSince(mark);
        var visitor = (await tracker.Operator.GetFromJsonAsync<VisitorView>($"visitors/{visitorId}"))!;
        Assert.Null(Assert.Single(visitor.Activity, activity => activity.Url == "https://example.com/late").ProspectId);
    }

    [Fact]
    public async Task AFormHandlerTakesPostedFormFieldsForAnExistingProspect()
    {
        var prospect = await tracker.CreateProspect();
        var visitorId = TrackerFixture.NewVisitorId();

        var response = await Public.PostAsync("form-handlers/webinar-signup/submissions", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = prospect.Email.ToUpperInvariant(),
            ["visitorId"] = visitorId,
            ["company"] = "Analytical Engines",
            ["submit"] = "Sign me up",
        }));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = (await response.Content.ReadFromJsonAsync<ActivityAccepted>())!;
        Assert.Equal((prospect.Id, false), (accepted.ProspectId, accepted.ProspectCreated));
        var activity = (await tracker.Published.WaitFor<ProspectActivityRecorded>(a => a.EventId == accepted.EventId, "the form handler submission")).Single();
        Assert.Equal(ActivityKind.FormHandlerSubmission, activity.Kind);
        Assert.Equal(SyncRules.FormHandlerSubmission, ChangeClassifier.RuleFor(activity));
        Assert.Equal("Analytical Engines", (await tracker.Editor.Http.GetFromJsonAsync<ProspectDto>($"prospects/{prospect.Id}"))!.Fields["company"]);
    }

    [Fact]
    public async Task AnOptedOutVisitorsViewsAreKeptAsVisitorActivityAndNeverPublishedUntilTheVisitorOptsBackIn()
    {
        var visitorId = await LinkedVisitor();
        var mark = await tracker.Published.Mark();

        var response = await Public.PostAsJsonAsync($"visitors/{visitorId}/page-views", new { url = "https://example.com/private", optedOut = true });
        var accepted = (await response.Content.ReadFromJsonAsync<ActivityAccepted>())!;
        var again = (await (await Public.PostAsJsonAsync($"visitors/{visitorId}/page-views", new { url = "https://example.com/still" }))
            .Content.ReadFromJsonAsync<ActivityAccepted>())!;

        Assert.Equal((false, nameof(SyncRules.OptedOutPageView)), (accepted.Published, accepted.Rule));
        Assert.Equal((false, nameof(SyncRules.OptedOutPageView)), (again.Published, again.Rule));
        await AssertNothingPublishedSince(mark);
        var visitor = (await tracker.Operator.GetFromJsonAsync<VisitorView>($"visitors/{visitorId}"))!;
        Assert.All(visitor.Activity.Where(activity => activity.Url is "https://example.com/private" or "https://example.com/still"),
            activity => Assert.Equal((null, nameof(SyncRules.OptedOutPageView)), (activity.ProspectId, activity.Rule)));

        var back = (await (await Public.PostAsJsonAsync($"visitors/{visitorId}/page-views", new { url = "https://example.com/back", optedOut = false }))
            .Content.ReadFromJsonAsync<ActivityAccepted>())!;
        Assert.Equal((true, nameof(SyncRules.TrackedPageView)), (back.Published, back.Rule));
    }

    [Fact]
    public async Task ARetryWithTheSameIdempotencyKeyPublishesTheSameEvent()
    {
        var visitorId = await LinkedVisitor();
        using var first = new HttpRequestMessage(HttpMethod.Post, $"visitors/{visitorId}/page-views") { Content = JsonContent.Create(new { url = "https://example.com/a" }) };
        first.Headers.Add("Idempotency-Key", "view-42");
        using var second = new HttpRequestMessage(HttpMethod.Post, $"visitors/{visitorId}/page-views") { Content = JsonContent.Create(new { url = "https://example.com/a" }) };
        second.Headers.Add("Idempotency-Key", "view-42");

        var one = (await (await Public.SendAsync(first)).Content.ReadFromJsonAsync<ActivityAccepted>())!;
        var two = (await (await Public.SendAsync(second)).Content.ReadFromJsonAsync<ActivityAccepted>())!;

        Assert.Equal(one.EventId, two.EventId);
    }

    [Fact]
    public async Task OneIdempotencyKeyOnTwoEndpointsNamesTwoEventsSoNeitherIsDroppedAsTheOthersDuplicate()
    {
        var visitorId = await LinkedVisitor();
        var key = Guid.NewGuid().ToString();
        using var view = new HttpRequestMessage(HttpMethod.Post, $"visitors/{visitorId}/page-views") { Content = JsonContent.Create(new { url = "https://example.com/a" }) };
        view.Headers.Add("Idempotency-Key", key);
        using var form = new HttpRequestMessage(HttpMethod.Post, "forms/contact-us/submissions")
        {
            Content = JsonContent.Create(new { email = TrackerFixture.UniqueEmail("same-key"), visitorId }),
        };
        form.Headers.Add("Idempotency-Key", key);

        var viewed = (await (await Public.SendAsync(view)).Content.ReadFromJsonAsync<ActivityAccepted>())!;
        var submitted = (await (await Public.SendAsync(form)).Content.ReadFromJsonAsync<ActivityAccepted>())!;

        Assert.NotEqual(viewed.EventId, submitted.EventId);
        Assert.NotEqual(Guid.Parse(key), viewed.EventId);
    }

    [Fact]
    public async Task ATrackedLinkRedirectsAndRecordsTheClickForTheProspectItWasSentTo()
    {
        var prospect = await tracker.CreateProspect();
        var created = await tracker.Operator.PostAsJsonAsync("links", new { target = "https://example.com/offer?x=1", prospectId = prospect.Id, kind = "emailLink", name = "Spring offer" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var link = (await created.Content.ReadFromJsonAsync<TrackedLinkCreated>())!;
        var visitorId = TrackerFixture.NewVisitorId();

        var response = await Public.GetAsync($"{link.Url.TrimStart('/')}?v={visitorId}");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("https://example.com/offer?x=1", response.Headers.Location?.ToString());
        var click = (await tracker.Published.WaitFor<ProspectActivityRecorded>(a => a.ProspectId == prospect.Id, "the click")).Single();
        Assert.Equal((ActivityKind.EmailLinkClick, "Spring offer", visitorId), (click.Kind, click.AssetName, click.VisitorId));
        Assert.Equal(prospect.Id, (await tracker.Operator.GetFromJsonAsync<VisitorView>($"visitors/{visitorId}"))!.ProspectId);

        var redirect = (await (await tracker.Operator.PostAsJsonAsync("links", new { target = "https://example.com/ad", prospectId = prospect.Id, kind = "customRedirect" }))
            .Content.ReadFromJsonAsync<TrackedLinkCreated>())!;
        Assert.Equal(HttpStatusCode.Redirect, (await Public.GetAsync(redirect.Url.TrimStart('/'))).StatusCode);
        await tracker.Published.WaitFor<ProspectActivityRecorded>(a => a.ProspectId == prospect.Id && a.Kind == ActivityKind.CustomRedirectClick, "the redirect click");
    }

    [Fact]
    public async Task UnknownLinksAndProspectsAnswer404AndLinkCreationNeedsTheApiKey()
    {
        var unknownLink = await Public.GetAsync("r/NoSuchCode42");
        Assert.Equal(HttpStatusCode.NotFound, unknownLink.StatusCode);
        Assert.Equal("application/problem+json", unknownLink.Content.Headers.ContentType?.MediaType);
        Assert.Contains("'NoSuchCode42'", (await unknownLink.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        var notACode = await (await Public.GetAsync("r/%3Cb%3Ehi%3C%2Fb%3E")).Content.ReadFromJsonAsync<JsonElement>();
        Assert.DoesNotContain("hi", notACode.GetProperty("detail").GetString());

        Assert.Equal(HttpStatusCode.Unauthorized, (await Public.PostAsJsonAsync("links", new { target = "https://example.com", prospectId = 1, kind = "emailLink" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Public.GetAsync($"visitors/{TrackerFixture.NewVisitorId()}")).StatusCode);
        var unknownProspect = await tracker.Operator.PostAsJsonAsync("links", new { target = "https://example.com", prospectId = 987654321, kind = "emailLink" });
        Assert.Equal(HttpStatusCode.NotFound, unknownProspect.StatusCode);
        Assert.Equal("prospectId", (await unknownProspect.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("member").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await tracker.Operator.PostAsJsonAsync("emails/spring/opens", new { prospectId = 987654321 })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await tracker.Operator.PostAsJsonAsync("unsubscribes", new { prospectId = 987654321 })).StatusCode);
        var unknown = await Urls(987654321, "spring");
        Assert.Equal(HttpStatusCode.NotFound, (await Public.PostAsync(unknown.UnsubscribeUrl.TrimStart('/'), null)).StatusCode);
    }

    [Fact]
    public async Task AnEmailOpenIsPublishedButNeverASync()
    {
        var prospect = await tracker.CreateProspect();
        var urls = await Urls(prospect.Id, "newsletter-7");

        var response = await Public.PostAsync(urls.OpenUrl.TrimStart('/'), null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = (await response.Content.ReadFromJsonAsync<ActivityAccepted>())!;
        Assert.Equal(nameof(SyncRules.EmailOpen), accepted.Rule);
        Assert.Contains("no sync", accepted.Explanation);
        var open = (await tracker.Published.WaitFor<ProspectActivityRecorded>(a => a.EventId == accepted.EventId, "the open")).Single();
        Assert.Equal(SyncRules.EmailOpen, ChangeClassifier.RuleFor(open));
    }

    [Fact]
    public async Task AnOpenPixelRecordsTheOpenAndAnswersAnImage()
    {
        var prospect = await tracker.CreateProspect();
        var urls = await Urls(prospect.Id, "newsletter-8");

        var response = await Public.GetAsync(urls.OpenUrl.TrimStart('/'));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/gif", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.CacheControl?.NoStore);
        var open = (await tracker.Published.WaitFor<ProspectActivityRecorded>(a => a.ProspectId == prospect.Id && a.Kind == ActivityKind.EmailOpen, "the pixel's open")).Single();
        Assert.Equal("e-mail newsletter-8", open.AssetName);
    }

    [Fact]
    public async Task AnUnsubscribeLinkWorksAsAOneClickPostAndOptsTheProspectOutThroughProspectEditor()
    {
        var prospect = await tracker.CreateProspect();
        var urls = await Urls(prospect.Id, "newsletter-7");

        // RFC 8058: the mail client POSTs the List-Unsubscribe address with this form body.
        var response = await Public.PostAsync(urls.UnsubscribeUrl.TrimStart('/'),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["List-Unsubscribe"] = "One-Click" }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<Unsubscribed>())!.OptedOut);
        var change = (await tracker.Published.WaitFor<ProspectChanged>(c => c.ProspectId == prospect.Id && c.Kind == ProspectChangeKind.Unsubscribed, "the unsubscribe")).Single();
        Assert.Equal(SyncRules.Unsubscribe, ChangeClassifier.RuleFor(change));
        Assert.True((await tracker.Editor.Http.GetFromJsonAsync<ProspectDto>($"prospects/{prospect.Id}"))!.OptedOut);
    }

    [Fact]
    public async Task WithoutTheLinksTokenOrTheApiKeyNobodyCanOptOutOrOpenForAProspect()
    {
        var prospect = await tracker.CreateProspect();
        var other = await tracker.CreateProspect();
        var urls = await Urls(prospect.Id, "newsletter-9");
        var otherUrls = await Urls(other.Id, "newsletter-9");
        var otherEmailUrls = await Urls(prospect.Id, "newsletter-10");
        await tracker.WaitUntilEverythingPublished();
        var mark = await tracker.Published.Mark();

        var bare = await Public.PostAsJsonAsync("unsubscribes", new { prospectId = prospect.Id });
        var anotherProspectsToken = await Public.PostAsync(Swap(otherUrls.UnsubscribeUrl, other.Id, prospect.Id), null);
        var anotherEmailsToken = await Public.PostAsync(otherEmailUrls.UnsubscribeUrl.Replace("newsletter-10", "newsletter-9", StringComparison.Ordinal).TrimStart('/'), null);
        var theOpenToken = await Public.PostAsJsonAsync("unsubscribes",
            new { prospectId = prospect.Id, emailId = "newsletter-9", token = Token(urls.OpenUrl) });
        var forgedToken = await Public.PostAsJsonAsync("unsubscribes", new { prospectId = prospect.Id, emailId = "newsletter-9", token = "AAAAAAAAAAAAAAAAAAAAAA" });
        var bareOpen = await Public.PostAsJsonAsync("emails/newsletter-9/opens", new { prospectId = prospect.Id });
        var openWithUnsubscribeToken = await Public.GetAsync($"emails/newsletter-9/opens?prospectId={prospect.Id}&token={Token(urls.UnsubscribeUrl)}");
        var minting = await Public.PostAsJsonAsync("emails/newsletter-9/tracking-urls", new { prospectId = prospect.Id });

        Assert.Equal(HttpStatusCode.Unauthorized, bare.StatusCode);
        Assert.Contains("tracking-urls", (await bare.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        Assert.All([anotherProspectsToken, anotherEmailsToken, theOpenToken, forgedToken, openWithUnsubscribeToken],
            response => Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode));
        Assert.Equal(HttpStatusCode.Unauthorized, bareOpen.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, minting.StatusCode);
        Assert.False((await tracker.Editor.Http.GetFromJsonAsync<ProspectDto>($"prospects/{prospect.Id}"))!.OptedOut);
        await AssertNothingPublishedSince(mark);

        var byOperator = await tracker.Operator.PostAsJsonAsync("unsubscribes", new { prospectId = prospect.Id });
        Assert.Equal(HttpStatusCode.OK, byOperator.StatusCode);
        Assert.True((await tracker.Editor.Http.GetFromJsonAsync<ProspectDto>($"prospects/{prospect.Id}"))!.OptedOut);
    }

    [Theory]
    [InlineData("forms/contact/submissions", """{"email":"not-an-address"}""", "email")]
    [InlineData("forms/contact/submissions", """{"visitorId":"v-1"}""", "email")]
    [InlineData("forms/contact/submissions", """{"email":"a@example.com","visitorId":"no spaces allowed"}""", "visitorId")]
    [InlineData("forms/contact/submissions", """{"email":"a@example.com","url":"javascript:alert(1)"}""", "url")]
    [InlineData("form-handlers/x/submissions", """{"email":"a@example.com","occurredAt":"2999-01-01T00:00:00Z"}""", "occurredAt")]
    [InlineData("visitors/v-1/page-views", """{}""", "url")]
    [InlineData("visitors/v-1/page-views", """{"url":"/relative"}""", "url")]
    [InlineData("emails/e-1/opens", """{}""", "prospectId")]
    [InlineData("emails/e-1/opens", """{"prospectId":-4}""", "prospectId")]
    [InlineData("unsubscribes", """{"prospectId":0}""", "prospectId")]
    [InlineData("unsubscribes", """{"prospectId":4,"token":"AAAAAAAAAAAAAAAAAAAAAA"}""", "emailId")]
    public async Task InvalidInputAnswers400NamingTheFieldAndPublishesNothing(string path, string json, string member)
    {
        var mark = await tracker.Published.Mark();

        var response = await Public.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(member, out _), problem.ToString());
        await AssertNothingPublishedSince(mark);
    }

    [Theory]
    [InlineData("forms/contact/submissions", """{"email": 42}""", "email")]
    [InlineData("visitors/v-1/page-views", """{"url": "https://example.com", "optedOut": "yes"}""", "optedOut")]
    [InlineData("emails/e-1/opens", """{"prospectId": "seven"}""", "prospectId")]
    [InlineData("visitors/v-1/page-views", """{"url": """, "")]
    public async Task WrongTypesAndBrokenJsonAnswer400NamingWhereAndPublishNothing(string path, string json, string member)
    {
        var mark = await tracker.Published.Mark();

        var response = await Public.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Malformed JSON", problem.GetProperty("title").GetString());
        Assert.Contains(member, problem.GetProperty("detail").GetString());
        await AssertNothingPublishedSince(mark);
    }

    [Fact]
    public async Task ABodyOverTheLimitAnswers413AndPublishesNothing()
    {
        var mark = await tracker.Published.Mark();
        var huge = JsonSerializer.Serialize(new { email = "a@example.com", fields = new { company = new string('x', 10_000) } });

        var response = await Public.PostAsync("forms/contact/submissions", new StringContent(huge, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        await AssertNothingPublishedSince(mark);
        Assert.Equal(HttpStatusCode.NotFound, (await tracker.Editor.Http.GetAsync("prospects?email=a@example.com")).StatusCode);
    }

    [Fact]
    public async Task AFormPostWhoseOccurredAtIsNotADateAnswers400AsJsonDoes()
    {
        var email = TrackerFixture.UniqueEmail("when");
        var mark = await tracker.Published.Mark();

        var response = await Public.PostAsync("forms/contact/submissions", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = email,
            ["occurredAt"] = "last tuesday",
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("occurredAt", out _));
        Assert.Equal(HttpStatusCode.NotFound, (await tracker.Editor.Http.GetAsync($"prospects?email={email}")).StatusCode);
        await AssertNothingPublishedSince(mark);
    }

    [Fact]
    public async Task ASubmissionThatIsNeitherJsonNorFormFieldsAnswers415()
    {
        var response = await Public.PostAsync("forms/contact/submissions", new StringContent("email=a@example.com", Encoding.UTF8, "text/plain"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    /// <summary>The signed open and unsubscribe links of one e-mail to one prospect, as a mailer gets them.</summary>
    private async Task<EmailTrackingUrls> Urls(long prospectId, string emailId)
    {
        var response = await tracker.Operator.PostAsJsonAsync($"emails/{emailId}/tracking-urls", new { prospectId });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<EmailTrackingUrls>())!;
    }

    private static string Token(string url) => System.Web.HttpUtility.ParseQueryString(new Uri(new Uri("http://tracker/"), url).Query)["token"]!;

    private static string Swap(string url, long from, long to) =>
        url.Replace($"prospectId={from}", $"prospectId={to}", StringComparison.Ordinal).TrimStart('/');

    private async Task<string> LinkedVisitor()
    {
        var visitorId = TrackerFixture.NewVisitorId();
        var response = await Public.PostAsJsonAsync("forms/f-1/submissions", new { email = TrackerFixture.UniqueEmail(), visitorId });
        response.EnsureSuccessStatusCode();
        return visitorId;
    }

    /// <summary>
    /// activity-tracker answers only once its event is confirmed, and prospect-editor's writes go through its outbox: once
    /// that outbox has drained, everything the requests caused is on the queue, and nothing may have arrived since the mark.
    /// </summary>
    private async Task AssertNothingPublishedSince(int mark)
    {
        await tracker.WaitUntilEverythingPublished();
        Assert.Empty(await tracker.Published.Since(mark));
    }
}
