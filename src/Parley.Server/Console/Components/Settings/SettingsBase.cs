using Microsoft.AspNetCore.Components;
using Parley.Domain.Team;

namespace Parley.Server.Console.Components.Settings;

/// <summary>A settings page: loads what it shows, runs use cases as the member, and says what happened.</summary>
public abstract class SettingsBase : ComponentBase
{
    [Inject] protected ConsoleSession Session { get; set; } = null!;

    protected ConsoleText T => Session.T;

    protected string? Error { get; set; }

    protected string? Done { get; set; }

    protected bool Loaded { get; private set; }

    protected override async Task OnInitializedAsync()
    {
        await Session.InitializeAsync();
        if (await RunAsync(LoadAsync, quiet: true)) Loaded = true;
    }

    protected abstract Task LoadAsync(IServiceProvider services, TeamMember member);

    /// <summary>Runs a use case; a refusal or invalid field is shown in the rule's own words and nothing else changes.</summary>
    protected async Task<bool> RunAsync(Func<IServiceProvider, TeamMember, Task> action, bool quiet = false)
    {
        try
        {
            await Session.RunAsync(action);
            Error = null;
            Done = quiet ? null : T["common.saved"];
            return true;
        }
        catch (Exception ex) when (Session.Refusal(ex) is { } refusal)
        {
            Error = refusal;
            Done = null;
            return false;
        }
    }

    /// <summary>Saves, then shows the page as it is now stored.</summary>
    protected async Task SaveAndReloadAsync(Func<IServiceProvider, TeamMember, Task> action)
    {
        if (await RunAsync(action))
        {
            var done = Done;
            await RunAsync(LoadAsync, quiet: true);
            Done = done;
        }
    }
}
