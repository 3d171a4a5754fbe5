using System.Net.Mime;
using System.Runtime.Serialization;
using System.Text.Json;
using MassTransit;
using MassTransit.Serialization;

namespace Sync.ServiceDefaults.Messaging;

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
