using System.Collections;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;

namespace Sync.ServiceDefaults.Messaging;

/// <summary>What is wrong with JSON that did not read as a contract, as the member path and the form expected.</summary>
public static partial class ContractJsonProblems
{
    public static IReadOnlyList<string> Describe(Type contract, JsonSerializerOptions options, JsonException failure, JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
            return [$"$ is {Kind(body)}: expected a JSON object with the {contract.Name} members (camelCase, enums as strings)"];

        var missing = options.GetTypeInfo(contract).Properties
            .Where(property => property.IsRequired && !TryGetMember(body, property.Name, out _))
            .Select(property => $"$.{property.Name} (expected {Form(property.PropertyType)})")
            .ToList();
        if (failure.Path is null or "$" && missing.Count > 0)
            return [$"missing required properties: {string.Join(", ", missing)}"];

        var path = failure.Path ?? "$";
        return [$"{path} is {Kind(ValueAt(body, path))}: expected {(TypeAt(contract, options, path) is { } type ? Form(type) : "a member of the contract")}"];
    }

    /// <summary>The form a member of <paramref name="type"/> takes in plain JSON, with an example where one helps.</summary>
    public static string Form(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type switch
        {
            _ when type == typeof(Guid) => "a GUID, such as \"6a1f8f44-4f7e-4d7b-9d2a-1f5f8b8e0c11\"",
            _ when type == typeof(DateTimeOffset) || type == typeof(DateTime) => "an ISO 8601 date and time, such as \"2026-11-27T10:02:00Z\"",
            _ when type == typeof(string) => "a string",
            _ when type == typeof(bool) => "true or false",
            _ when type.IsEnum => $"one of {string.Join(", ", Enum.GetNames(type))} (a string)",
            _ when type == typeof(double) || type == typeof(float) || type == typeof(decimal) => "a number",
            _ when type.IsPrimitive => "a whole number",
            _ when ElementType(type) is { } element => $"an array of {Plural(Form(element))}",
            _ => "a JSON object",
        };
    }

    private static string Plural(string form) => form.StartsWith("a ", StringComparison.Ordinal) ? form[2..] + "s"
        : form.StartsWith("an ", StringComparison.Ordinal) ? form[3..] + "s" : form;

    private static Type? TypeAt(Type contract, JsonSerializerOptions options, string path)
    {
        Type? type = contract;
        foreach (Match segment in PathSegments().Matches(path))
        {
            if (type is null)
                return null;
            type = Nullable.GetUnderlyingType(type) ?? type;
            if (segment.Groups["index"].Success)
                type = ElementType(type);
            else
            {
                var name = segment.Groups["name"].Success ? segment.Groups["name"].Value : segment.Groups["quoted"].Value;
                type = options.GetTypeInfo(type) is { Kind: JsonTypeInfoKind.Object } info
                    ? info.Properties.FirstOrDefault(property => string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))?.PropertyType
                    : null;
            }
        }
        return type;
    }

    private static JsonElement? ValueAt(JsonElement body, string path)
    {
        JsonElement? value = body;
        foreach (Match segment in PathSegments().Matches(path))
        {
            if (value is not { } current)
                return null;
            if (segment.Groups["index"].Success)
            {
                var index = int.Parse(segment.Groups["index"].Value, System.Globalization.CultureInfo.InvariantCulture);
                value = current.ValueKind == JsonValueKind.Array && index < current.GetArrayLength() ? current[index] : null;
            }
            else
                value = TryGetMember(current, segment.Groups["name"].Success ? segment.Groups["name"].Value : segment.Groups["quoted"].Value, out var member) ? member : null;
        }
        return value;
    }

    // MassTransit reads members without regard to case; so does this.
    private static bool TryGetMember(JsonElement element, string name, out JsonElement member)
    {
        member = default;
        if (element.ValueKind != JsonValueKind.Object)
            return false;
        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                member = property.Value;
                return true;
            }
        }
        return false;
    }

    private static Type? ElementType(Type type)
    {
        if (type == typeof(string) || IsDictionary(type))
            return null;
        if (type.IsArray)
            return type.GetElementType();
        return type.GetInterfaces().Append(type)
            .FirstOrDefault(candidate => candidate.IsGenericType && candidate.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];
    }

    private static bool IsDictionary(Type type) => typeof(IDictionary).IsAssignableFrom(type)
        || type.GetInterfaces().Append(type).Any(candidate => candidate.IsGenericType && candidate.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>));

    private static string Kind(JsonElement? value) => value?.ValueKind switch
    {
        null => "absent",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => "null",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => "not a value",
    };

    [GeneratedRegex(@"\.(?<name>[^.\[]+)|\[(?<index>\d+)\]|\['(?<quoted>(?:[^']|'')*)'\]")]
    private static partial Regex PathSegments();
}
