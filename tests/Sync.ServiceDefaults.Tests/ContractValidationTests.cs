using System.Runtime.CompilerServices;
using Sync.Contracts;
using Sync.Testing;

namespace Sync.ServiceDefaults.Tests;

[FastLane]
public sealed class ContractValidationTests
{
    /// <summary>Every message type the contracts assembly publishes: its records, not its enums or its validation.</summary>
    private static readonly Type[] ContractTypes = [.. typeof(SyncRequested).Assembly.GetExportedTypes()
        .Where(type => type.IsClass && !(type.IsAbstract && type.IsSealed))];

    public static TheoryData<Type> Contracts() => new(ContractTypes);

    [Fact]
    public void TheContractsAssemblyListsEveryKnownContract()
    {
        Assert.Contains(typeof(SyncRequested), ContractTypes);
        Assert.Contains(typeof(ProspectsImported), ContractTypes);
        Assert.Equal(7, ContractTypes.Length);
    }

    // A contract with no rules would pass through validation as defaults; an empty one of each must be refused instead.
    [Theory]
    [MemberData(nameof(Contracts))]
    public void AContractWithNoMembersSetIsRefusedByItsRules(Type contract)
    {
        var empty = RuntimeHelpers.GetUninitializedObject(contract);

        Assert.Contains("eventId is required", ContractValidation.Problems(empty));
    }

    [Fact]
    public void AMessageThatIsNotAContractHasNoRules() =>
        Assert.Empty(ContractValidation.Problems(new object()));
}
