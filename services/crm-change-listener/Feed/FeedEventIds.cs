using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Sync.Clients.Crm;

namespace Sync.CrmChangeListener.Feed;

/// <summary>
/// The event id of a feed entry, derived from the entry itself (a name-based UUID, RFC 9562 version 5): publishing the
/// same change again after a crash gives the same id, which the evaluator deduplicates. The commit timestamp and record
/// are part of the name, so a CRM whose feed started over never reuses an id.
/// </summary>
public static class FeedEventIds
{
    private static readonly Guid Namespace = new("6f0f2d0c-52a4-4a5e-9a43-0e6c1c7b3d21");

    public static Guid For(CrmChange change) =>
        NameBased(string.Create(CultureInfo.InvariantCulture,
            $"crm-feed:{change.Position}:{change.ObjectType}:{change.RecordId}:{change.ChangeType}:{change.CommitTimestamp.UtcTicks}"));

    public static Guid NameBased(string name) => NameBased(Namespace, name);

    public static Guid NameBased(Guid nameSpace, string name)
    {
        var namespaceBytes = nameSpace.ToByteArray(bigEndian: true);
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var input = new byte[namespaceBytes.Length + nameBytes.Length];
        namespaceBytes.CopyTo(input, 0);
        nameBytes.CopyTo(input, namespaceBytes.Length);
        var hash = SHA1.HashData(input);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }
}
