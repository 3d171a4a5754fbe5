using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Sync.ActivityTracker.Configuration;
using Sync.ServiceDefaults;

namespace Sync.ActivityTracker.Tracking;

/// <summary>
/// Signs and checks the tokens in the open and unsubscribe links Sync hands out: an HMAC-SHA256 over the purpose, the
/// prospect id and the e-mail id, with the key of Tracking:SigningKey (or, when that is not set, one derived from
/// Sync:ApiKey). Only whoever holds the link can act for that prospect and that e-mail; ids cannot be guessed into tokens.
/// </summary>
public sealed partial class LinkTokens
{
    private const int TokenBytes = 16;

    private readonly byte[] _key;

    public LinkTokens(IOptions<TrackingOptions> tracking, IOptions<SyncOptions> sync, ILogger<LinkTokens> logger)
    {
        _key = tracking.Value.SigningKey is { Length: > 0 } configured
            ? Encoding.UTF8.GetBytes(configured)
            // A key of its own, so the API key itself never signs anything a browser sees.
            : HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(sync.Value.ApiKey), 32, info: "sync activity-tracker link tokens"u8.ToArray());
        if (tracking.Value.SigningKey is not { Length: > 0 })
            LogKeyDerived(logger);
    }

    public string Sign(LinkPurpose purpose, long prospectId, string emailId) => Base64Url.EncodeToString(Mac(purpose, prospectId, emailId));

    /// <summary>Whether <paramref name="token"/> was signed for this purpose, prospect and e-mail; compared in constant time.</summary>
    public bool Verify(LinkPurpose purpose, long prospectId, string emailId, string token)
    {
        Span<byte> presented = stackalloc byte[TokenBytes];
        return token.Length <= 32
            && Base64Url.IsValid(token, out var length) && length == TokenBytes
            && Base64Url.TryDecodeFromChars(token, presented, out var written) && written == TokenBytes
            && CryptographicOperations.FixedTimeEquals(presented, Mac(purpose, prospectId, emailId));
    }

    [LoggerMessage(EventId = 5111, Level = LogLevel.Warning,
        Message = "Tracking:SigningKey is not set: link tokens are signed with a key derived from Sync:ApiKey, so rotating the API key invalidates links already sent")]
    private static partial void LogKeyDerived(ILogger logger);

    private byte[] Mac(LinkPurpose purpose, long prospectId, string emailId) =>
        HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes($"{purpose}\n{prospectId}\n{emailId}"))[..TokenBytes];
}
