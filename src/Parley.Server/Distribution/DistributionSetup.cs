using Parley.Server.Realtime;

namespace Parley.Server.Distribution;

public static class DistributionSetup
{
    /// <summary>Shifts and presence, the assigner and what wakes it, the sweeper, and the supervisor view's live push.</summary>
    public static IServiceCollection AddDistribution(this IServiceCollection services)
    {
        services.AddScoped<DistributionService>();
        services.AddScoped<ShiftService>();
        services.AddSingleton<TeamConnections>();
        services.AddSingleton<DistributionWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<DistributionWorker>());
        services.AddSingleton<IEventHandler, DistributionTriggers>();
        services.AddSingleton<IEventHandler, DistributionFanOut>();
        services.AddSingleton<DistributionSweeper>();
        services.AddHostedService(sp => sp.GetRequiredService<DistributionSweeper>());
        return services;
    }
}
