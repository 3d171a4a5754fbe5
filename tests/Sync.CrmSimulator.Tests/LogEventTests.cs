using System.Reflection;
using Microsoft.Extensions.Logging;
using Sync.Testing;

namespace Sync.CrmSimulator.Tests;

[FastLane]
public sealed class LogEventTests
{
    [Fact]
    public void EveryLogMessageOfTheSimulatorHasItsOwnEventId()
    {
        var messages = typeof(Extensions.Extensions).Assembly.GetTypes()
            .SelectMany(type => type.GetMethods(BindingFlags.Static | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Select(method => (Method: $"{method.DeclaringType!.Name}.{method.Name}", Attribute: method.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(message => message.Attribute is not null)
            .ToList();

        Assert.NotEmpty(messages);
        Assert.All(messages, message => Assert.True(message.Attribute!.EventId > 0, $"{message.Method} has no EventId."));
        Assert.Empty(messages.GroupBy(message => message.Attribute!.EventId).Where(group => group.Count() > 1).Select(group => string.Join(", ", group.Select(message => message.Method))));
    }
}
