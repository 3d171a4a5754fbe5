using System.Net.Mime;
using MassTransit;
using MassTransit.Serialization;

namespace Sync.ServiceDefaults.Messaging;

/// <summary>
/// MassTransit's raw JSON deserializer for the plain-JSON entry points, except that a body that is not JSON at all is
/// rejected with a reason naming where it went wrong and what was expected, instead of the parser's bare sentence.
/// </summary>
public sealed class PlainJsonDeserializerFactory(RawSerializerOptions options) : ISerializerFactory
{
    private readonly Lazy<PlainJsonDeserializer> _serializer = new(() => new PlainJsonDeserializer(new SystemTextJsonRawMessageSerializer(options)));

    public ContentType ContentType => SystemTextJsonRawMessageSerializer.JsonContentType;

    public IMessageSerializer CreateSerializer() => _serializer.Value.Inner;

    public IMessageDeserializer CreateDeserializer() => _serializer.Value;
}
