using MassTransit;
using Sync.Contracts;

namespace Sync.ServiceDefaults.Messaging;

/// <summary>Checks every consumed contract with <see cref="ContractValidation"/> before its consumer runs.</summary>
public sealed class ContractValidationFilter<TMessage> : IFilter<ConsumeContext<TMessage>>
    where TMessage : class
{
    public Task Send(ConsumeContext<TMessage> context, IPipe<ConsumeContext<TMessage>> next)
    {
        var problems = ContractValidation.Problems(context.Message);
        if (problems.Count > 0)
            throw new InvalidMessageException(typeof(TMessage).Name, problems);
        return next.Send(context);
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("contractValidation");
}
