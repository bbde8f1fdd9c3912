using Parley.Server.Realtime;

namespace Parley.Server.Channels.Widget;

/// <summary>Registers the web widget channel: visitor hub, public endpoints, live delivery to visitors, limits.</summary>
public static class WidgetChannel
{
    public static IServiceCollection AddWidgetChannel(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(WidgetOptions.Section);
        services.Configure<WidgetOptions>(section);
        services.AddSingleton<VisitorTokens>();
        services.AddSingleton<WidgetOrigins>();
        services.AddSingleton<WidgetRateLimits>();
        services.AddSingleton<WidgetFiles>();
        services.AddSingleton<IEventHandler, VisitorFanOut>();
        var options = section.Get<WidgetOptions>() ?? new WidgetOptions();
        services.AddRateLimiter(limiter => WidgetRateLimits.AddPolicies(limiter, options));
        return services;
    }

    public static WebApplication UseWidgetChannel(this WebApplication app)
    {
        app.UseRateLimiter();
        app.MapWidgetEndpoints();
        app.MapHub<VisitorHub>("/hubs/visitor");
        return app;
    }
}
