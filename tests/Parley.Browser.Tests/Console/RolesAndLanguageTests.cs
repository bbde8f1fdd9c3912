using Parley.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Parley.Browser.Tests.Console;

/// <summary>What the console shows depends on the role, and it speaks Ukrainian and English.</summary>
public abstract class RolesAndLanguageTests<TApp>(TApp app) : BrowserTest<TApp>(app)
    where TApp : ConsoleApp
{
    [Fact]
    public async Task SettingsMenu_ManagerRole_HiddenWhileOwnerSeesIt()
    {
        var manager = await App.SignInAsync(ConsoleApp.ManagerEmail);
        await Expect(manager.GetByTestId("member-name")).ToHaveTextAsync("Maria Manager");
        await Expect(manager.GetByTestId("settings-menu")).ToHaveCountAsync(0);

        var owner = await App.SignInAsync(ConsoleApp.OwnerEmail);
        await Expect(owner.GetByTestId("member-name")).ToHaveTextAsync("Olena Owner");
        await Expect(owner.GetByTestId("settings-menu")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task LanguageSwitch_UkrainianToEnglish_TextsChangeAndStayAfterReload()
    {
        var page = await App.SignInAsync(ConsoleApp.SupervisorEmail);
        // Nobody chose a language yet: the company's main language (uk).
        await Expect(page.GetByTestId("folder-new")).ToContainTextAsync("Нові");
        await Expect(page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Вийти" })).ToBeVisibleAsync();

        await page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "EN", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("folder-new")).ToContainTextAsync("New");
        await Expect(page.GetByTestId("folder-archived")).ToContainTextAsync("Archived");
        await Expect(page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();

        await page.ReloadAsync();
        await Expect(page.GetByTestId("folder-active")).ToContainTextAsync("Active");

        await page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "UK", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("folder-active")).ToContainTextAsync("Активні");
    }

    [Fact]
    public async Task SignOut_ThenOpenConsole_AsksToSignIn()
    {
        var page = await App.SignInAsync(ConsoleApp.ManagerEmail);
        await page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Вийти" }).ClickAsync();
        await Expect(page.Locator("#password")).ToBeVisibleAsync();
        await page.GotoAsync("/");
        await Expect(page.Locator("#password")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task SignIn_WrongPassword_SaysSoAndStaysOnSignIn()
    {
        var page = await (await App.NewContextAsync()).NewPageAsync();
        await page.GotoAsync("/login?lang=uk");
        await page.FillAsync("#email", ConsoleApp.ManagerEmail);
        await page.FillAsync("#password", "wrong-password");
        await page.ClickAsync("button[type=submit]");
        await Expect(page.GetByRole(Microsoft.Playwright.AriaRole.Alert)).ToContainTextAsync("Невірна пошта чи пароль");
    }
}

public sealed class RolesAndLanguageTests_Sqlite(SqliteConsoleApp app) : RolesAndLanguageTests<SqliteConsoleApp>(app);

public sealed class RolesAndLanguageTests_Postgres(PostgresConsoleApp app) : RolesAndLanguageTests<PostgresConsoleApp>(app);
