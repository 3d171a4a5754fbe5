using Xunit.Sdk;

namespace Sync.Testing;

/// <summary>
/// Marks a test class of the fast lane (the trait Lane=Fast): it needs no RabbitMQ and no Redis, so a developer runs the
/// lane without starting either. deploy/scripts/test.sh still runs every test, fast or not.
/// </summary>
[TraitDiscoverer("Sync.Testing.FastLaneDiscoverer", "Sync.Testing")]
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class FastLaneAttribute : Attribute, ITraitAttribute;
