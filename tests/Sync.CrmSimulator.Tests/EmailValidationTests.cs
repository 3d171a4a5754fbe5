using Sync.Clients.ProspectEditor;
using Sync.CrmSimulator.Schema;
using Sync.Testing;

namespace Sync.CrmSimulator.Tests;

/// <summary>
/// The CRM's Email fields take what a Salesforce org (without Email Address Internationalization) takes: a prospect whose
/// address prospect-editor holds must not be refused by the CRM for a character Salesforce accepts.
/// </summary>
[FastLane]
public sealed class EmailValidationTests
{
    private static readonly FieldDescribe Email = SObjectSchema.Contact.Field("Email")!;

    [Theory]
    [InlineData("o'brien@example.com")]
    [InlineData("ada+newsletter@example.com")]
    [InlineData("ada@localhost.xn--p1ai")]
    [InlineData("ada@xn--bcher-kva.example")]
    [InlineData("ada.lovelace@mail.example.co.uk")]
    [InlineData("first-last_99@sub-domain.example.org")]
    [InlineData("a!b#c$d%e&f*g/h=i?j^k`l{m|n}o~p@example.com")]
    [InlineData("Ada.Lovelace@Example.COM")]
    public void AnAddressBothProspectEditorAndSalesforceTakeIsAccepted(string address)
    {
        Assert.True(ProspectEmail.IsValid(address), "prospect-editor takes the address");

        Assert.True(FieldValues.TryCanonicalize(Email, address, out var stored, out var error), error?.Message);
        Assert.Equal(address, stored);
    }

    [Theory]
    [InlineData("ada..lovelace@example.com")]
    [InlineData("ada.@example.com")]
    public void DotsSalesforceAllowsInTheLocalPartAreAccepted(string address) =>
        Assert.True(FieldValues.TryCanonicalize(Email, address, out _, out _));

    [Theory]
    [InlineData("not-an-address")]
    [InlineData("broken@")]
    [InlineData("@example.com")]
    [InlineData("two@at@example.com")]
    [InlineData(".ada@example.com")]
    [InlineData("bad address@example.com")]
    [InlineData("\"ada\"@example.com")]
    [InlineData("ada(comment)@example.com")]
    [InlineData("zoë@example.com")]
    [InlineData("ada@bücher.example")]
    [InlineData("ada@[192.0.2.1]")]
    [InlineData("ada@exa_mple.com")]
    [InlineData("ada@-example.com")]
    [InlineData("ada@example-.com")]
    [InlineData("ada@example..com")]
    [InlineData("ada@example.c")]
    [InlineData("ada@192.0.2.1")]
    [InlineData("ada@localhost")]
    [InlineData("ada@example.com.")]
    public void AnAddressSalesforceRefusesIsInvalidEmailAddress(string address)
    {
        Assert.False(FieldValues.TryCanonicalize(Email, address, out _, out var error));
        Assert.Equal("INVALID_EMAIL_ADDRESS", error!.ErrorCode);
        Assert.Equal(["Email"], error.Fields);
    }

    /// <summary>What a sync of such a prospect meets: a permanent INVALID_EMAIL_ADDRESS for that one record.</summary>
    [Theory]
    [InlineData("o.hara.0f8fad5bd9cb469fa16570867728950e@tara_plantation.example")]
    [InlineData("zoë.lovelace@example.com")]
    [InlineData("ada@[192.0.2.1]")]
    [InlineData("\"ada\"@example.com")]
    public void SomeAddressesProspectEditorHoldsAreRefusedByTheCrm(string address)
    {
        Assert.True(ProspectEmail.IsValid(address), "prospect-editor takes the address");

        Assert.False(FieldValues.TryCanonicalize(Email, address, out _, out var error));
        Assert.Equal("INVALID_EMAIL_ADDRESS", error!.ErrorCode);
    }

    [Fact]
    public void ALocalPartLongerThanSixtyFourCharactersIsRefused()
    {
        Assert.True(FieldValues.TryCanonicalize(Email, $"{new string('a', 64)}@example.com", out _, out _));
        Assert.False(FieldValues.TryCanonicalize(Email, $"{new string('a', 65)}@example.com", out _, out _));
    }
}
