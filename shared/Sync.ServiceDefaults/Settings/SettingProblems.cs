using System.Collections;
using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Sync.ServiceDefaults.Settings;

/// <summary>
/// What is wrong with a configuration section, one sentence per bad key: the key, what is wrong with its value and the form
/// expected ("RabbitMq:Port is 'notaport', not a whole number, such as 5672"; "RabbitMq:Host is missing; expected a value,
/// such as localhost"; "RabbitMq:Port is '70000': The field RabbitMq:Port must be between 1 and 65535.").
/// </summary>
public static class SettingProblems
{
    /// <summary>Values in <paramref name="section"/> that would not convert to their property's type (the binder would throw on them).</summary>
    public static IReadOnlyList<string> OfConversion(IConfiguration configuration, string section, Type optionsType)
    {
        var problems = new List<string>();
        CollectConversion(configuration, section, optionsType, Defaults(optionsType), problems);
        return problems;
    }

    /// <summary>The data-annotation rules <paramref name="options"/> breaks, each naming its full key; [ValidateObjectMembers] members are checked too.</summary>
    public static IReadOnlyList<string> OfValues(string section, object options)
    {
        var problems = new List<string>();
        CollectAnnotations(section, options, Defaults(options.GetType()), problems);
        return problems;
    }

    private static void CollectConversion(IConfiguration configuration, string path, Type type, object? defaults, List<string> problems)
    {
        foreach (var property in Bindable(type))
        {
            var key = $"{path}:{property.Name}";
            var target = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            var example = defaults is null ? null : property.GetValue(defaults);
            if (IsScalar(target))
            {
                var value = configuration[key];
                if (value is null || Converts(target, value, nullable: target != property.PropertyType))
                    continue;
                var form = ExpectedForm(target) + Example(example);
                problems.Add(value.Length == 0 ? $"{key} is empty; expected {form}." : $"{key} is '{value}', not {form}.");
            }
            else if (target.IsClass && !typeof(IEnumerable).IsAssignableFrom(target))
                CollectConversion(configuration, key, target, example, problems);
        }
    }

    private static void CollectAnnotations(string path, object options, object? defaults, List<string> problems)
    {
        foreach (var property in Bindable(options.GetType()))
        {
            var key = $"{path}:{property.Name}";
            var value = property.GetValue(options);
            var example = defaults is null || IsSecret(property) ? null : property.GetValue(defaults);
            var context = new ValidationContext(options) { MemberName = property.Name, DisplayName = key };
            var results = new List<ValidationResult>();
            if (property.GetCustomAttribute<RequiredAttribute>() is not null && value is null or string { Length: 0 })
            {
                var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
                problems.Add($"{key} is missing; expected {(type == typeof(string) ? "a value" : ExpectedForm(type))}{Example(example)}.");
            }
            else if (!Validator.TryValidateProperty(value, context, results))
            {
                var shown = IsSecret(property) ? "(its value not shown)" : $"is '{Format(value)}'";
                foreach (var result in results)
                    problems.Add($"{key} {shown}: {result.ErrorMessage}");
            }
            else if (value is not null && property.GetCustomAttribute<ValidateObjectMembersAttribute>() is not null)
                CollectAnnotations(key, value, example, problems);
        }
        if (options is IValidatableObject validatable)
        {
            foreach (var result in validatable.Validate(new ValidationContext(options) { DisplayName = path }))
            {
                var message = result.ErrorMessage ?? "is not valid";
                problems.Add(message.Contains(path, StringComparison.OrdinalIgnoreCase) ? message : $"{path}: {message}");
            }
        }
    }

    // A key, password or token is never written to a log, not even a wrong one.
    private static bool IsSecret(PropertyInfo property) =>
        property.Name.EndsWith("Key", StringComparison.Ordinal) || property.Name.Contains("Password", StringComparison.Ordinal)
        || property.Name.Contains("Token", StringComparison.Ordinal) || property.Name.Contains("Secret", StringComparison.Ordinal);

    private static IEnumerable<PropertyInfo> Bindable(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(property => property.CanWrite && property.GetIndexParameters().Length == 0);

    private static object? Defaults(Type type)
    {
        try
        {
            return type.GetConstructor(Type.EmptyTypes) is null ? null : Activator.CreateInstance(type);
        }
        catch (TargetInvocationException)
        {
            return null;
        }
    }

    private static bool IsScalar(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan) || type == typeof(Uri)
        || type == typeof(Guid) || type == typeof(DateTimeOffset) || type == typeof(DateTime);

    private static bool Converts(Type type, string value, bool nullable)
    {
        if (type == typeof(string) || (nullable && value.Length == 0))
            return true;
        if (type == typeof(Uri))
            return Uri.TryCreate(value, UriKind.RelativeOrAbsolute, out _);
        try
        {
            TypeDescriptor.GetConverter(type).ConvertFromInvariantString(value);
            return true;
        }
        catch (Exception exception) when (exception is FormatException or ArgumentException or NotSupportedException or OverflowException)
        {
            return false;
        }
    }

    private static string ExpectedForm(Type type) => type switch
    {
        _ when type.IsEnum => $"one of {string.Join(", ", Enum.GetNames(type))}",
        _ when type == typeof(bool) => "true or false",
        _ when type == typeof(TimeSpan) => "a duration as [d.]hh:mm:ss[.fff]",
        _ when type == typeof(Guid) => "a GUID",
        _ when type == typeof(DateTimeOffset) || type == typeof(DateTime) => "an ISO 8601 date and time",
        _ when type == typeof(double) || type == typeof(float) || type == typeof(decimal) => "a number",
        _ when type == typeof(Uri) => "a URL",
        _ when type.IsPrimitive => "a whole number",
        _ => $"a {type.Name}",
    };

    private static string Example(object? example) =>
        example is null || example is string { Length: 0 } || example is IEnumerable and not string ? "" : $", such as {Format(example)}";

    private static string Format(object? value) => value switch
    {
        TimeSpan span => span.ToString("c", CultureInfo.InvariantCulture),
        bool flag => flag ? "true" : "false",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value?.ToString() ?? "",
    };
}
