using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Sync.CrmSimulator.Apis.Salesforce;
using Sync.CrmSimulator.Configuration;
using Sync.CrmSimulator.Faults;
using Sync.CrmSimulator.Limits;
using Sync.CrmSimulator.Org;
using Sync.CrmSimulator.Reading;
using Sync.CrmSimulator.Storage.Org;
using Sync.CrmSimulator.Storage.Records;
using Sync.CrmSimulator.Telemetry;
using Sync.CrmSimulator.Users;
using Sync.CrmSimulator.Writing;
using Sync.ServiceDefaults;
using Sync.ServiceDefaults.Observability;
using Sync.ServiceDefaults.Settings;

namespace Sync.CrmSimulator.Extensions;

public static class Extensions
{
    /// <summary>Registers crm-simulator's own services; its consumers are added by <see cref="AddCrmSimulatorConsumers"/>.</summary>
    public static IHostApplicationBuilder AddCrmSimulator(this IHostApplicationBuilder builder)
    {
        builder.AddServiceTelemetry(CrmSimulatorTelemetry.ActivitySourceName);
        builder.Services.AddOptions<CrmSimulatorOptions>().BindSettings(CrmSimulatorOptions.Section);
        builder.Services.AddSingleton<IValidateOptions<CrmSimulatorOptions>, CrmSimulatorOptionsValidator>();
        builder.Services.TryAddSingleton(TimeProvider.System);

        if (builder.IsEmbedded())
        {
            builder.Services.AddSingleton<ICrmRecordStore, InMemoryCrmRecordStore>();
            builder.Services.AddSingleton<ICrmOrgStore, InMemoryCrmOrgStore>();
        }
        else
        {
            builder.Services.AddSingleton<ICrmRecordStore, RedisCrmRecordStore>();
            builder.Services.AddSingleton<ICrmOrgStore, RedisCrmOrgStore>();
        }

        builder.Services.AddSingleton<CrmUsers>();
        builder.Services.AddSingleton<CrmOrg>();
        builder.Services.AddSingleton<ApiAllowance>();
        builder.Services.AddSingleton<ConcurrencyGate>();
        builder.Services.AddSingleton<FaultInjector>();
        builder.Services.AddSingleton<CrmReader>();
        builder.Services.AddSingleton<TargetReader>();
        builder.Services.AddSingleton<ReferenceCheck>();
        builder.Services.AddSingleton<CampaignMembershipCheck>();
        builder.Services.AddSingleton<CreatePlanner>();
        builder.Services.AddSingleton<UpdatePlanner>();
        builder.Services.AddSingleton<DeletePlanner>();
        builder.Services.AddSingleton<ConversionPlanner>();
        builder.Services.AddSingleton<ScoreBandRecalculationPlanner>();
        builder.Services.AddSingleton<OptimisticSave>();
        builder.Services.AddSingleton<CrmWriter>();
        builder.Services.AddSingleton<SObjectResources>();
        builder.Services.AddSingleton<SObjectCollectionResources>();
        builder.Services.AddSingleton<QueryResource>();
        builder.Services.AddSingleton<CompositeResource>();
        builder.Services.AddSingleton<LimitsResource>();
        builder.Services.AddSingleton<ChangeFeedResource>();
        return builder;
    }

    /// <summary>crm-simulator consumes nothing: it is the CRM, reached over HTTP.</summary>
    public static IBusRegistrationConfigurator AddCrmSimulatorConsumers(this IBusRegistrationConfigurator bus) => bus;
}
