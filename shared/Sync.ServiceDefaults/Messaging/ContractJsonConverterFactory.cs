using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using Sync.Contracts;

namespace Sync.ServiceDefaults.Messaging;

/// <summary>
/// Reads every contract as MassTransit would, but when the JSON is not the contract it throws an <see cref="InvalidMessageException"/>
/// whose message names the member path ("$.eventId") and what was expected. System.Text.Json's own exception names the path
/// only in an outer exception; MassTransit writes the innermost one's message to MT-Fault-Message ("The JSON value is not in a
/// supported Guid format."), which names neither the member nor the form.
/// </summary>
public sealed class ContractJsonConverterFactory : JsonConverterFactory
{
    private static readonly System.Reflection.Assembly ContractsAssembly = typeof(ProspectActivityRecorded).Assembly;

    // The options each converter reads with: the caller's, less this factory (or every read would come back here).
    private readonly ConditionalWeakTable<JsonSerializerOptions, JsonSerializerOptions> _innerOptions = [];

    /// <summary>MassTransit's serializer options with this factory first, once.</summary>
    public static JsonSerializerOptions AddTo(JsonSerializerOptions options)
    {
        if (!options.Converters.Any(converter => converter is ContractJsonConverterFactory))
            options.Converters.Insert(0, new ContractJsonConverterFactory());
        return options;
    }

    public override bool CanConvert(Type typeToConvert) =>
        typeToConvert.Assembly == ContractsAssembly && typeToConvert.IsClass && typeToConvert.GetProperty(nameof(ProspectActivityRecorded.EventId)) is not null;

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(ContractJsonConverter<>).MakeGenericType(typeToConvert),
            _innerOptions.GetValue(options, outer =>
            {
                var inner = new JsonSerializerOptions(outer);
                inner.Converters.Remove(this);
                return inner;
            }))!;
}
