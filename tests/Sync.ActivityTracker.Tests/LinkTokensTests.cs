using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Sync.ActivityTracker.Configuration;
using Sync.ActivityTracker.Tracking;
using Sync.ServiceDefaults;
using Sync.Testing;

namespace Sync.ActivityTracker.Tests;

[FastLane]
public sealed class LinkTokensTests
{
    private const string Key = "a-signing-key-of-at-least-32-characters";

    [Fact]
    public void ATokenHoldsForItsPurposeProspectAndEmailOnly()
    {
        var tokens = Tokens(Key, "api-key-one");
        var token = tokens.Sign(LinkPurpose.Unsubscribe, 42, "newsletter-7");

        Assert.True(tokens.Verify(LinkPurpose.Unsubscribe, 42, "newsletter-7", token));
        Assert.False(tokens.Verify(LinkPurpose.Open, 42, "newsletter-7", token));
        Assert.False(tokens.Verify(LinkPurpose.Unsubscribe, 43, "newsletter-7", token));
        Assert.False(tokens.Verify(LinkPurpose.Unsubscribe, 42, "newsletter-8", token));
    }

    [Fact]
    public void AnotherKeySignsOtherTokensAndAKeyLeftOutIsDerivedFromTheApiKey()
    {
        var token = Tokens(Key, "api-key-one").Sign(LinkPurpose.Open, 42, "e");

        Assert.False(Tokens(Key + "-rotated", "api-key-one").Verify(LinkPurpose.Open, 42, "e", token));
        var derived = Tokens(null, "api-key-one").Sign(LinkPurpose.Open, 42, "e");
        Assert.NotEqual(token, derived);
        Assert.True(Tokens(null, "api-key-one").Verify(LinkPurpose.Open, 42, "e", derived));
        Assert.False(Tokens(null, "api-key-two").Verify(LinkPurpose.Open, 42, "e", derived));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not base64url!")]
    [InlineData("AAAA")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void AMalformedTokenIsRefused(string token) =>
        Assert.False(Tokens(Key, "api-key-one").Verify(LinkPurpose.Open, 42, "e", token));

    private static LinkTokens Tokens(string? signingKey, string apiKey) => new(
        Options.Create(new TrackingOptions { SigningKey = signingKey }), Options.Create(new SyncOptions { ApiKey = apiKey }), NullLogger<LinkTokens>.Instance);
}
