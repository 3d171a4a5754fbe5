using System.Net.Mime;
using System.Runtime.Serialization;
using System.Text.Json;
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

internal sealed class PlainJsonDeserializer(SystemTextJsonRawMessageSerializer inner) : IMessageDeserializer
{
    public SystemTextJsonRawMessageSerializer Inner => inner;

    public ContentType ContentType => inner.ContentType;

    public void Probe(ProbeContext context) => inner.Probe(context);

    public ConsumeContext Deserialize(ReceiveContext receiveContext) => new BodyConsumeContext(receiveContext,
        Deserialize(receiveContext.Body, receiveContext.TransportHeaders, receiveContext.InputAddress));

    public SerializerContext Deserialize(MessageBody body, Headers headers, Uri? destinationAddress = null)
    {
        try
        {
            return inner.Deserialize(body, headers, destinationAddress);
        }
        catch (SerializationException failure) when (failure.InnerException is JsonException notJson)
        {
            throw new InvalidMessageException("Plain JSON", [
                $"$ is not JSON (it goes wrong at line {notJson.LineNumber + 1}, byte {notJson.BytePositionInLine + 1}): expected a JSON object, " +
                "one contract with camelCase members and enums as strings"]);
        }
    }

    public MessageBody GetMessageBody(string text) => inner.GetMessageBody(text);
}
