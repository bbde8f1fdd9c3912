using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Domain.Common;
using Parley.Domain.Team;
using Parley.Server.Infrastructure;
using Parley.Server.Team;

namespace Parley.Server.Console;

/// <summary>
/// One signed-in member's console (scoped to the Blazor circuit): who they are, their language, and a way to run a use
/// case as them.
/// </summary>
/// <remarks>
/// A circuit lives for hours and its events interleave, while a DbContext is neither thread-safe nor meant to live long
/// (its tracked entities go stale). So every action runs in its own DI scope, with a fresh DbContext and the member
/// loaded again: a deactivated member or a changed role takes effect on the next click.
/// </remarks>
public sealed class ConsoleSession(AuthenticationStateProvider auth, IServiceScopeFactory scopes)
{
    private ClaimsPrincipal? _user;

    public TeamMember Member { get; private set; } = null!;

    public string CompanyName { get; private set; } = "";

    public string MainLanguage { get; private set; } = "uk";

    public ConsoleText T { get; private set; } = ConsoleText.For("uk");

    public bool IsReady => Member is not null;

    public event Action? Changed;

    private Task? _initializing;

    /// <summary>The layout and the page both ask; the first call loads, the others wait for it.</summary>
    public Task InitializeAsync() => _initializing ??= LoadAsync();

    private async Task LoadAsync()
    {
        _user = (await auth.GetAuthenticationStateAsync()).User;
        await ReloadAsync();
    }

    /// <summary>Loads the member, the company and the language again (after a change of language or settings).</summary>
    public async Task ReloadAsync()
    {
        await using var scope = scopes.CreateAsyncScope();
        var member = await scope.ServiceProvider.GetRequiredService<CurrentMember>().GetAsync(_user!);
        var db = scope.ServiceProvider.GetRequiredService<ParleyDbContext>();
        var company = await db.Companies.AsNoTracking().FirstAsync(c => c.Id == member.CompanyId);
        Member = member;
        CompanyName = company.Name;
        MainLanguage = company.Settings.MainLanguage;
        T = ConsoleText.For(member.ConsoleLanguage ?? MainLanguage);
        Changed?.Invoke();
    }

    /// <summary>Runs a use case as the member, in a scope of its own.</summary>
    public async Task<T> RunAsync<T>(Func<IServiceProvider, TeamMember, Task<T>> action)
    {
        await using var scope = scopes.CreateAsyncScope();
        var member = await scope.ServiceProvider.GetRequiredService<CurrentMember>().GetAsync(_user!);
        Member = member;
        return await action(scope.ServiceProvider, member);
    }

    public Task RunAsync(Func<IServiceProvider, TeamMember, Task> action) =>
        RunAsync<bool>(async (sp, m) =>
        {
            await action(sp, m);
            return true;
        });

    /// <summary>The words a person reads when a rule or a field refuses the action, in the console's language.</summary>
    public string? Refusal(Exception ex) => ex switch
    {
        RuleViolationException r => T.Reason(r.Decision),
        InvalidRequestException v => string.Join(" ", v.Validation.Errors.SelectMany(e => e.Value)),
        _ => null,
    };
}
