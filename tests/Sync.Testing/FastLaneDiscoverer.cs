using Xunit.Abstractions;
using Xunit.Sdk;

namespace Sync.Testing;

/// <summary>Gives <see cref="FastLaneAttribute"/>'s trait to xunit.</summary>
public sealed class FastLaneDiscoverer : ITraitDiscoverer
{
    public const string Trait = "Lane";

    public const string Fast = "Fast";

    public IEnumerable<KeyValuePair<string, string>> GetTraits(IAttributeInfo traitAttribute) => [new(Trait, Fast)];
}
