using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sync.ServiceDefaults.Messaging;

internal sealed class ContractJsonConverter<TContract>(JsonSerializerOptions inner) : JsonConverter<TContract>
    where TContract : class
{
    public override TContract? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var start = reader;
        try
        {
            return JsonSerializer.Deserialize<TContract>(ref reader, inner);
        }
        catch (JsonException failure)
        {
            throw new InvalidMessageException(typeof(TContract).Name, ContractJsonProblems.Describe(typeof(TContract), inner, failure, JsonElement.ParseValue(ref start)));
        }
    }

    public override void Write(Utf8JsonWriter writer, TContract value, JsonSerializerOptions options) => JsonSerializer.Serialize(writer, value, inner);
}
