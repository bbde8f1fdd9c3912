using Parley.Server.Console.Components;
using Parley.Server.Realtime;

namespace Parley.Server.Console;

/// <summary>The operator console: Blazor with interactive server rendering, on the same use cases as the API.</summary>
public static class ConsoleSetup
{
    public static IServiceCollection AddParleyConsole(this IServiceCollection services)
    {
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddCascadingAuthenticationState();
        services.AddScoped<ConsoleSession>();
        services.AddSingleton<ConsoleNotifier>();
        services.AddSingleton<IEventHandler>(sp => sp.GetRequiredService<ConsoleNotifier>());
        return services;
    }

    public static WebApplication MapParleyConsole(this WebApplication app)
    {
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
